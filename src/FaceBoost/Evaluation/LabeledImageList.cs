
namespace FaceBoost.Evaluation;

/// <summary>Labeled images for pair generation: a folder of identity sub-folders (ORL's sN/, Yale's
/// yaleBNN/) or a list file of "&lt;file&gt; &lt;identity&gt;" lines relative to its folder (CelebA's identity.txt).
/// Non-image files (.info, .txt) are skipped; Yale's *_Ambient images are not faces under a light and are skipped.</summary>
public static class LabeledImageList
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".pgm", ".ppm", ".pnm"];

    public static List<(string Path, string Identity)> Load(string source, string? imageRoot = null)
    {
        if (Directory.Exists(source))
        {
            var list = new List<(string, string)>();
            foreach (var dir in Directory.GetDirectories(source).OrderBy(d => d, StringComparer.Ordinal))
                foreach (var f in Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal))
                    if (Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !f.Contains("_Ambient", StringComparison.Ordinal))
                        list.Add((f, Path.GetFileName(dir)));
            if (list.Count == 0) throw new ArgumentException($"'{source}' has no identity sub-folders with images");
            return list;
        }
        if (!File.Exists(source)) throw new FileNotFoundException($"dataset '{source}' is neither a folder nor a list file", source);
        var root = imageRoot ?? Path.GetDirectoryName(Path.GetFullPath(source))!;
        var items = new List<(string, string)>();
        int n = 0;
        foreach (var raw in File.ReadLines(source))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int cut = line.LastIndexOfAny([' ', '\t']);
            if (cut <= 0) throw new FormatException($"{source}:{n}: expected '<file> <identity>', got '{line}'");
            var file = line[..cut].Trim();
            items.Add((Path.IsPathRooted(file) ? file : Path.Combine(root, file), line[(cut + 1)..]));
        }
        if (items.Count == 0) throw new FormatException($"list '{source}' has no entries");
        return items;
    }
}
