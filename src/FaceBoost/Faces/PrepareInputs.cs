using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>Builds the work list of <see cref="FacePreparer"/> from an image tree or a list file.</summary>
public static class PrepareInputs
{
    /// <summary>Every image below <paramref name="root"/>, keeping its relative path: a labeled tree
    /// root/&lt;identity&gt;/&lt;img&gt; stays labeled, a flat folder stays flat. Files under
    /// <paramref name="exclude"/> (the output, when it sits inside the input) are ignored.</summary>
    public static List<PrepareItem> FromTree(string root, string? exclude = null)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"input folder not found: {root}");
        var full = Path.GetFullPath(root);
        var excl = exclude is null ? null : Path.GetRelativePath(full, Path.GetFullPath(exclude)).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        Func<string, bool>? inOutput = excl is null ? null
            : excl == "." + Path.DirectorySeparatorChar ? _ => true : rel => rel.StartsWith(excl, StringComparison.Ordinal);
        return ImageFiles.List(full, inOutput)
            .Select(f => new PrepareItem(f, StemOf(Path.GetRelativePath(full, f))))
            .ToList();
    }

    /// <summary>Reads a list file: one photo per line, "&lt;path&gt;" or "&lt;path&gt; &lt;identity&gt;" (as CelebA's
    /// identity.txt), paths relative to <paramref name="imageRoot"/> (default: the list file's folder).
    /// With an identity the crop goes to &lt;identity&gt;/&lt;name&gt;.png, building a labeled tree.
    /// Blank lines and lines starting with # are ignored.</summary>
    public static List<PrepareItem> FromListFile(string listFile, string? imageRoot = null)
    {
        if (!File.Exists(listFile)) throw new FileNotFoundException($"list file not found: {listFile}", listFile);
        var root = Path.GetFullPath(imageRoot ?? Path.GetDirectoryName(Path.GetFullPath(listFile))!);
        var items = new List<PrepareItem>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(listFile))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 2) throw new FormatException($"{listFile}:{lineNo}: expected '<path> [identity]', got '{line}'");
            var rel = parts[0];
            var source = Path.IsPathRooted(rel) ? rel : Path.Combine(root, rel);
            var stem = parts.Length == 2
                ? Path.Combine(parts[1], Path.GetFileNameWithoutExtension(rel))
                : StemOf(Path.IsPathRooted(rel) ? Path.GetFileName(rel) : rel);
            items.Add(new PrepareItem(source, stem));
        }
        return items;
    }

    private static string StemOf(string relative)
    {
        var dir = Path.GetDirectoryName(relative);
        var name = Path.GetFileNameWithoutExtension(relative);
        return string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
    }
}
