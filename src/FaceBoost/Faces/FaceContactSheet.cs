using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>A grid of equally sized crops (row-major, grey gaps) for eyeballing an aligned dataset.</summary>
public static class FaceContactSheet
{
    /// <summary>Tiles <paramref name="crops"/> into <paramref name="columns"/> columns; smaller or larger crops
    /// are resized to <paramref name="cell"/>² (default: the first crop's width).</summary>
    public static RgbImage Build(IReadOnlyList<RgbImage> crops, int columns = 10, int? cell = null, int gap = 2)
    {
        if (crops.Count == 0) throw new ArgumentException("no crops for a contact sheet", nameof(crops));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns));
        int c = cell ?? crops[0].Width;
        columns = Math.Min(columns, crops.Count);
        int rows = (crops.Count + columns - 1) / columns;
        int w = columns * c + (columns + 1) * gap, h = rows * c + (rows + 1) * gap;
        var sheet = new RgbImage(w, h);
        Array.Fill(sheet.Pixels, 0.5f);
        for (int i = 0; i < crops.Count; i++)
        {
            var tile = crops[i].Width == c && crops[i].Height == c ? crops[i] : AffineWarp.Resize(crops[i], c, c);
            int ox = gap + (i % columns) * (c + gap), oy = gap + (i / columns) * (c + gap);
            for (int ch = 0; ch < 3; ch++)
                for (int y = 0; y < c; y++)
                    Array.Copy(tile.Pixels, ch * tile.PlaneSize + y * c, sheet.Pixels, ch * sheet.PlaneSize + (oy + y) * w + ox, c);
        }
        return sheet;
    }

    /// <summary>Builds a sheet from up to <paramref name="max"/> PNG crops found under <paramref name="folder"/>
    /// (sorted by path) and saves it to <paramref name="outputPng"/>; returns how many were tiled.</summary>
    public static int SaveFromFolder(string folder, string outputPng, int max = 100, int columns = 10)
    {
        var outFull = Path.GetFullPath(outputPng);
        var files = Directory.EnumerateFiles(folder, "*.png", SearchOption.AllDirectories)
            .Where(f => Path.GetFullPath(f) != outFull)
            .Order(StringComparer.Ordinal).Take(max).ToList();
        if (files.Count == 0) throw new InvalidOperationException($"no PNG crops under {folder}");
        ImageWriter.Save(Build(files.Select(ImageDecoder.Decode).ToList(), columns), outputPng);
        return files.Count;
    }
}
