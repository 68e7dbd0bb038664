using FaceBoost.Data;
using FaceBoost.Imaging;
using SkiaSharp;

namespace FaceBoost.Synthesis.Procedural;

/// <summary>Draws a cartoon face for an identity under a nuisance, as an aligned crop in the ArcFace
/// layout (eyes near (38.3, 51.7)/(73.5, 51.5) of 112, nose (56, 71.7), mouth corners (41.5, 92.4)/(70.7, 92.2)).
/// Vector shapes are drawn with anti-aliased Skia paths in the 112 frame scaled to the output size; lighting,
/// blur and sensor noise are applied afterwards on the float pixels. Thread-safe and deterministic.</summary>
public sealed class ProceduralFaceRenderer
{
    public const int MinSize = 16, MaxSize = 512;
    private const float Frame = 112f;
    public int Size { get; }

    public ProceduralFaceRenderer(int size = 64)
    {
        if (size < MinSize || size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), $"face size {size} px is outside {MinSize}..{MaxSize}");
        Size = size;
    }

    public RgbImage Render(FaceIdentity id, NuisanceParams? nuisance = null)
    {
        var n = nuisance ?? NuisanceParams.Neutral;
        var info = new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Scale(Size / Frame);
            DrawBackground(canvas, n);
            canvas.Translate(HeadProjection.CentreX + n.ShiftX, HeadProjection.CentreY + n.ShiftY);
            canvas.RotateDegrees(n.Roll);
            canvas.Scale(n.Scale);
            canvas.Translate(-HeadProjection.CentreX, -HeadProjection.CentreY);
            new FaceDrawing(canvas, id, n).Draw();
        }
        var img = ToImage(bitmap);
        PostProcess(img, n);
        return img;
    }

    private static void DrawBackground(SKCanvas c, NuisanceParams n)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = n.BackgroundColour.ToSk() };
        c.DrawRect(0, 0, Frame, Frame, paint);
        var r = new SeededRandom(n.BackgroundSeed);
        switch (n.Background)
        {
            case BackgroundPattern.Gradient:
            {
                float a = r.Uniform(0, MathF.Tau);
                var (dx, dy) = (MathF.Cos(a) * 56, MathF.Sin(a) * 56);
                using var shader = SKShader.CreateLinearGradient(new SKPoint(56 - dx, 56 - dy), new SKPoint(56 + dx, 56 + dy),
                    [n.BackgroundColour.ToSk(), n.BackgroundColour2.ToSk()], SKShaderTileMode.Clamp);
                paint.Shader = shader;
                c.DrawRect(0, 0, Frame, Frame, paint);
                paint.Shader = null;
                break;
            }
            case BackgroundPattern.Stripes:
            {
                paint.Color = n.BackgroundColour2.ToSk(0.8f);
                float width = r.Uniform(4, 14), angle = r.Uniform(-60, 60);
                c.Save();
                c.RotateDegrees(angle, 56, 56);
                for (float x = -80 + r.Uniform(0, width * 2); x < 200; x += width * 2) c.DrawRect(x, -80, width, 280, paint);
                c.Restore();
                break;
            }
            case BackgroundPattern.Blobs:
            {
                using var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 5f);
                paint.MaskFilter = blur;
                int count = 4 + r.NextIntByModulo(5);
                for (int i = 0; i < count; i++)
                {
                    paint.Color = Rgb.Lerp(n.BackgroundColour2, new Rgb(r.Uniform(0, 1), r.Uniform(0, 1), r.Uniform(0, 1)), 0.3f).ToSk(0.7f);
                    c.DrawCircle(r.Uniform(0, Frame), r.Uniform(0, Frame), r.Uniform(8, 26), paint);
                }
                paint.MaskFilter = null;
                break;
            }
        }
    }

    private static RgbImage ToImage(SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height, plane = w * h;
        var px = new float[3 * plane];
        var span = bitmap.GetPixelSpan();
        const float inv = 1f / 255f;
        for (int i = 0; i < plane; i++)
        {
            px[i] = span[4 * i] * inv;
            px[plane + i] = span[4 * i + 1] * inv;
            px[2 * plane + i] = span[4 * i + 2] * inv;
        }
        return new RgbImage(w, h, px);
    }

    /// <summary>Camera and light: a directional brightness gradient, exposure, contrast and colour cast,
    /// then optical blur and sensor noise.</summary>
    private static void PostProcess(RgbImage img, NuisanceParams n)
    {
        int w = img.Width, h = img.Height, plane = w * h;
        var px = img.Pixels;
        float lx = MathF.Cos(n.LightAngle), ly = MathF.Sin(n.LightAngle);
        float[] cast = [n.ColourCast.R, n.ColourCast.G, n.ColourCast.B];
        for (int y = 0; y < h; y++)
        {
            float fy = 2f * (y + 0.5f) / h - 1f;
            for (int x = 0; x < w; x++)
            {
                float fx = 2f * (x + 0.5f) / w - 1f;
                float gain = n.Brightness * (1f + 0.5f * n.LightStrength * (fx * lx + fy * ly));
                int i = y * w + x;
                for (int ch = 0; ch < 3; ch++)
                {
                    float v = px[ch * plane + i] * gain * cast[ch];
                    px[ch * plane + i] = (v - 0.5f) * n.Contrast + 0.5f;
                }
            }
        }
        // Blur sigma is given for a 64-px image; scale so that all sizes look alike.
        float sigma = n.BlurSigma * w / 64f;
        if (sigma > 0.2f) GaussianBlur(px, w, h, sigma);
        if (n.NoiseSigma > 0)
        {
            var r = new SeededRandom(n.NoiseSeed);
            for (int i = 0; i < px.Length; i++) px[i] += n.NoiseSigma * r.Normal();
        }
        for (int i = 0; i < px.Length; i++) px[i] = Math.Clamp(px[i], 0f, 1f);
    }

    private static void GaussianBlur(float[] px, int w, int h, float sigma)
    {
        int radius = Math.Max(1, (int)MathF.Ceiling(2.5f * sigma));
        var k = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) sum += k[i + radius] = MathF.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        var tmp = new float[w * h];
        for (int ch = 0; ch < 3; ch++)
        {
            var p = px.AsSpan(ch * w * h, w * h);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float acc = 0;
                    for (int j = -radius; j <= radius; j++) acc += k[j + radius] * p[y * w + Math.Clamp(x + j, 0, w - 1)];
                    tmp[y * w + x] = acc;
                }
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float acc = 0;
                    for (int j = -radius; j <= radius; j++) acc += k[j + radius] * tmp[Math.Clamp(y + j, 0, h - 1) * w + x];
                    p[y * w + x] = acc;
                }
        }
    }
}
