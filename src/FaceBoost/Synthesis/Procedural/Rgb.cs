namespace FaceBoost.Synthesis.Procedural;

/// <summary>A linear-ish sRGB colour with channels in [0, 1], as stored in identity_params.json.</summary>
public readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb Lerp(Rgb a, Rgb b, float t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    public Rgb Scale(float k) => new(Math.Clamp(R * k, 0, 1), Math.Clamp(G * k, 0, 1), Math.Clamp(B * k, 0, 1));

    public Rgb Shift(float dr, float dg, float db) => new(Math.Clamp(R + dr, 0, 1), Math.Clamp(G + dg, 0, 1), Math.Clamp(B + db, 0, 1));

    internal SkiaSharp.SKColor ToSk(float alpha = 1f) => new(
        (byte)Math.Clamp((int)MathF.Round(R * 255), 0, 255),
        (byte)Math.Clamp((int)MathF.Round(G * 255), 0, 255),
        (byte)Math.Clamp((int)MathF.Round(B * 255), 0, 255),
        (byte)Math.Clamp((int)MathF.Round(alpha * 255), 0, 255));
}
