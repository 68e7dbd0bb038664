namespace FaceBoost.Imaging;

/// <summary>A file that is not a decodable image; says which file and why.</summary>
public sealed class ImageDecodeException(string imagePath, string reason, Exception? inner = null)
    : Exception($"{imagePath}: {reason}", inner)
{
    public string ImagePath { get; } = imagePath;
    public string Reason { get; } = reason;
}
