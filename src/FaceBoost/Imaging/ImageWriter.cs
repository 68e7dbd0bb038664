using SkiaSharp;

namespace FaceBoost.Imaging;

public static class ImageWriter
{
    /// <summary>Writes a PNG (or JPEG when the extension says so) atomically: temp file, then rename.</summary>
    public static void Save(RgbImage img, string path, int jpegQuality = 95)
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
        bool jpeg = path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, jpeg ? jpegQuality : 100);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        using (var fs = File.Create(tmp)) data.SaveTo(fs);
        File.Move(tmp, path, overwrite: true);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
