namespace FaceBoost.Imaging;

public enum ImageFormat { Unknown, Jpeg, Png, Gif, Bmp, Webp, Pnm }

public static class ImageFormatSniffer
{
    /// <summary>Recognises the format from the first bytes, so a wrong or missing extension does not matter.</summary>
    public static ImageFormat Sniff(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return ImageFormat.Jpeg;
        if (h.Length >= 8 && h[0] == 0x89 && h[1] == (byte)'P' && h[2] == (byte)'N' && h[3] == (byte)'G') return ImageFormat.Png;
        if (h.Length >= 4 && h[0] == (byte)'G' && h[1] == (byte)'I' && h[2] == (byte)'F' && h[3] == (byte)'8') return ImageFormat.Gif;
        if (h.Length >= 2 && h[0] == (byte)'B' && h[1] == (byte)'M') return ImageFormat.Bmp;
        if (h.Length >= 12 && h[0] == (byte)'R' && h[1] == (byte)'I' && h[2] == (byte)'F' && h[3] == (byte)'F'
            && h[8] == (byte)'W' && h[9] == (byte)'E' && h[10] == (byte)'B' && h[11] == (byte)'P') return ImageFormat.Webp;
        if (h.Length >= 2 && h[0] == (byte)'P' && h[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6') return ImageFormat.Pnm;
        return ImageFormat.Unknown;
    }

    public static bool IsJpeg(ReadOnlySpan<byte> bytes) => Sniff(bytes[..Math.Min(16, bytes.Length)]) == ImageFormat.Jpeg;

    /// <summary>".jpg", ".png", or ".img" for anything else, to name exported encoded images.</summary>
    public static string FileExtension(ReadOnlySpan<byte> bytes) => Sniff(bytes[..Math.Min(16, bytes.Length)]) switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        _ => ".img",
    };
}
