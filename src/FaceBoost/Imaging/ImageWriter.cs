using FaceBoost.Runtime;
using SkiaSharp;

namespace FaceBoost.Imaging;

public static class ImageWriter
{
    /// <summary>Writes a PNG (or JPEG when the extension says so) atomically: temp file, then rename.</summary>
    public static void Save(RgbImage img, string path, int jpegQuality = 95)
    {
        bool jpeg = path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase);
        var bytes = Encode(img, png: !jpeg, jpegQuality);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>PNG (lossless) or JPEG bytes of an image, in memory.</summary>
    public static byte[] Encode(RgbImage img, bool png, int jpegQuality = 95)
    {
        var info = new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var span = bitmap.GetPixelSpan();
        int plane = img.PlaneSize;
        var px = img.Pixels;
        for (int i = 0; i < plane; i++)
        {
            span[4 * i] = ToByte(px[i]);
            span[4 * i + 1] = ToByte(px[plane + i]);
            span[4 * i + 2] = ToByte(px[2 * plane + i]);
            span[4 * i + 3] = 255;
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, png ? 100 : jpegQuality)
            ?? throw new InvalidOperationException("Skia could not encode the image");
        return data.ToArray();
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
