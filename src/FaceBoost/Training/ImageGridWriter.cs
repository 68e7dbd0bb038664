using FaceBoost.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Tiles N×3×H×W images in [-1, 1] into one PNG/JPEG (1 px dark border between tiles).</summary>
public static class ImageGridWriter
{
    public static void Save(Tensor images, string path, int columns = 8)
    {
        using var scope = NewDisposeScope();
        var tiles = Enumerable.Range(0, (int)images.shape[0]).Select(i => TensorImages.ToImage(images[i])).ToList();
        if (tiles.Count == 0) throw new ArgumentException("no images to write");
        columns = Math.Clamp(columns, 1, tiles.Count);
        var rows = (tiles.Count + columns - 1) / columns;
        int w = tiles[0].Width, h = tiles[0].Height;
        var grid = new RgbImage(columns * (w + 1) + 1, rows * (h + 1) + 1);
        for (var t = 0; t < tiles.Count; t++)
        {
            int ox = 1 + (t % columns) * (w + 1), oy = 1 + (t / columns) * (h + 1);
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                        grid[c, oy + y, ox + x] = tiles[t][c, y, x];
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        ImageWriter.Save(grid, path);
    }
}
