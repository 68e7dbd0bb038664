using System.IO.Enumeration;

namespace FaceBoost.Imaging;

/// <summary>Decides which files of a folder are images. A file with a known image extension is taken
/// (if it turns out corrupt, the loader reports and skips it); any other file is taken only if its first
/// bytes are an image signature. So extension-less or misnamed images load, while Yale's <c>.info</c>,
/// <c>DEADJOE</c> and <c>WS_FTP.LOG</c>, ORL's README and the like are ignored without decoding anything.
/// Hidden files (leading '.') and files marked bad (<see cref="MarkedBadSuffixes"/>) are always ignored.</summary>
public static class ImageFiles
{
    public static readonly IReadOnlySet<string> KnownExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".bmp", ".dib", ".webp", ".pgm", ".ppm", ".pnm", ".pbm" };

    /// <summary>Suffixes by which datasets mark faulty captures (Extended Yale B's <c>*.pgm.bad</c>); such files are
    /// left out even though they decode.</summary>
    public static readonly IReadOnlyList<string> MarkedBadSuffixes = [".bad"];

    /// <summary>Extended Yale B's ambient-light frames (<c>*_Ambient.pgm</c>: no directed light, near black), left out
    /// of the unlabeled face sets by default.</summary>
    public static readonly Func<string, bool> YaleAmbientFrames = Glob("*_Ambient.*");

    public static bool IsImage(string path) => WhyNotImage(path) == null;

    public static bool HasImageExtension(string path) => KnownExtensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>The image files below <paramref name="folder"/> (all levels unless <paramref name="recursive"/> is off),
    /// in ordinal path order, without those <paramref name="exclude"/> matches (it is given the path relative to
    /// <paramref name="folder"/>, as <see cref="Glob"/> expects).</summary>
    public static List<string> List(string folder, Func<string, bool>? exclude = null, bool recursive = true)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"image folder not found: {folder}");
        return Directory.EnumerateFiles(folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => exclude is null || !exclude(System.IO.Path.GetRelativePath(folder, f)))
            .Where(IsImage)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Null when the file is taken as an image, else the reason it is ignored.</summary>
    public static string? WhyNotImage(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (name.Length == 0 || name[0] == '.') return "hidden file";
        foreach (var suffix in MarkedBadSuffixes)
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return $"marked bad by the dataset ('{suffix}' suffix)";
        if (KnownExtensions.Contains(System.IO.Path.GetExtension(name))) return null;
        return SniffFile(path) != ImageFormat.Unknown ? null : "not an image (unknown extension and content)";
    }

    public static ImageFormat SniffFile(string path)
    {
        try
        {
            Span<byte> head = stackalloc byte[16];
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return ImageFormatSniffer.Sniff(head[..n]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return ImageFormat.Unknown; }
    }

    /// <summary>A predicate for <c>exclude</c> parameters: true when the file name matches any of the simple
    /// globs (<c>*</c>, <c>?</c>; case-insensitive), e.g. <c>Glob("*_Ambient.pgm")</c> for Extended Yale B.
    /// A pattern containing '/' is matched against the path relative to the dataset root instead.</summary>
    public static Func<string, bool> Glob(params string[] patterns) => relativePath =>
    {
        var rel = relativePath.Replace('\\', '/');
        var name = rel[(rel.LastIndexOf('/') + 1)..];
        foreach (var p in patterns)
            if (FileSystemName.MatchesSimpleExpression(p, p.Contains('/') ? rel : name, ignoreCase: true)) return true;
        return false;
    };
}
