using FaceBoost.Imaging;

namespace FaceBoost.Evaluation;

/// <summary>Applies a <see cref="FacePreprocess"/> mode.</summary>
public static class FacePreprocessor
{
    public static RgbImage Apply(RgbImage img, FacePreprocess mode, int size) => mode switch
    {
        FacePreprocess.Resize => ImageOps.Resize(img, size, size),
        FacePreprocess.ResizeCenterCrop => ResizeCrop(img, size),
        FacePreprocess.PadResize => ImageOps.Resize(ImageOps.PadToSquare(img), size, size),
        FacePreprocess.CropSquareResize => ImageOps.Resize(
            ImageOps.CenterCrop(img, Math.Min(img.Width, img.Height), Math.Min(img.Width, img.Height)), size, size),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown preprocessing"),
    };

    private static RgbImage ResizeCrop(RgbImage img, int size)
    {
        int big = (int)Math.Round(size * 128.0 / 112.0);
        return ImageOps.CenterCrop(ImageOps.Resize(img, big, big), size, size);
    }
}
