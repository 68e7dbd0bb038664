using TorchSharp;

namespace FaceBoost.Imaging;

/// <summary>Tiles images into one PNG (samples, reconstructions, reports).</summary>
public static class ImageGrid
{
    /// <summary>Writes the images of an N×3×H×W (or 3×H×W) normalised tensor as a grid.</summary>
    public static void SavePng(torch.Tensor images, string path, int columns, float mean = 0.5f, float std = 0.5f, int padding = 2)
        => SavePng(TensorImages.FromNormalisedTensor(images, mean, std), path, columns, padding: padding);

    /// <summary>Writes images as a grid, row-major, <paramref name="columns"/> per row, on a black background with
    /// <paramref name="padding"/> pixels around every cell. Images of different sizes are centred in cells of the
    /// largest size. (mean/std are unused for images, kept so both overloads read alike.)</summary>
    public static void SavePng(IReadOnlyList<RgbImage> images, string path, int columns, float mean = 0.5f, float std = 0.5f, int padding = 2)
        => ImageWriter.Save(Compose(images, columns, padding), path);

    /// <summary>The grid as one image.</summary>
    public static RgbImage Compose(IReadOnlyList<RgbImage> images, int columns, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("no images for the grid", nameof(images));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), "must be positive");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), "must not be negative");
        int cols = Math.Min(columns, images.Count);
        int rows = (images.Count + cols - 1) / cols;
        int cw = images.Max(i => i.Width), ch = images.Max(i => i.Height);
        int gw = cols * cw + (cols + 1) * padding, gh = rows * ch + (rows + 1) * padding;
        var grid = new RgbImage(gw, gh);
        for (int n = 0; n < images.Count; n++)
        {
            var img = images[n];
            int ox = padding + (n % cols) * (cw + padding) + (cw - img.Width) / 2;
            int oy = padding + (n / cols) * (ch + padding) + (ch - img.Height) / 2;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < img.Height; y++)
                    Array.Copy(img.Pixels, c * img.PlaneSize + y * img.Width, grid.Pixels, c * grid.PlaneSize + (oy + y) * gw + ox, img.Width);
        }
        return grid;
    }
}
