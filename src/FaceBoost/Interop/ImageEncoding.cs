using FaceBoost.Imaging;
using SkiaSharp;

namespace FaceBoost.Interop;

/// <summary>Encodes an <see cref="RgbImage"/> to JPEG or PNG bytes in memory (for records and pickles).</summary>
public static class ImageEncoding
{
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

    /// <summary>Bilinear resize (for packing images to the 112×112 insightface expects).</summary>
    public static RgbImage Resize(RgbImage src, int width, int height)
    {
        if (src.Width == width && src.Height == height) return src;
        var dst = new RgbImage(width, height);
        float sx = (float)src.Width / width, sy = (float)src.Height / height;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
            {
                float fy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, src.Height - 1);
                int y0 = (int)fy, y1 = Math.Min(y0 + 1, src.Height - 1);
                float wy = fy - y0;
                for (int x = 0; x < width; x++)
                {
                    float fx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, src.Width - 1);
                    int x0 = (int)fx, x1 = Math.Min(x0 + 1, src.Width - 1);
                    float wx = fx - x0;
                    float top = src[c, y0, x0] * (1 - wx) + src[c, y0, x1] * wx;
                    float bot = src[c, y1, x0] * (1 - wx) + src[c, y1, x1] * wx;
                    dst[c, y, x] = top * (1 - wy) + bot * wy;
                }
            }
        return dst;
    }

    public static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
