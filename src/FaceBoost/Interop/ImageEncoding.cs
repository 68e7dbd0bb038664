using FaceBoost.Imaging;
using SkiaSharp;

namespace FaceBoost.Interop;

/// <summary>Encodes an <see cref="RgbImage"/> to JPEG or PNG bytes in memory (for records and pickles).</summary>
public static class ImageEncoding
{
    public static byte[] Encode(RgbImage img, bool png, int jpegQuality = 95) => ImageWriter.Encode(img, png, jpegQuality);

    /// <summary>Bilinear resize (for packing images to the 112×112 insightface expects).</summary>
    public static RgbImage Resize(RgbImage src, int width, int height) => Evaluation.FaceResampler.Resize(src, width, height);

    public static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

}
