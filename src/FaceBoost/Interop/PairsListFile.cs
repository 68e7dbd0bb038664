using System.Globalization;

namespace FaceBoost.Interop;

/// <summary>A plain pairs list: one "&lt;pathA&gt; &lt;pathB&gt; &lt;1|0&gt;" per line (tab or space separated,
/// '#' comments; a bad line is an InvalidDataException), paths relative to the list's folder or a given root. The interchange format of
/// `pack-pairs` and of <see cref="BinVerificationSet.ExtractTo"/>.</summary>
public static class PairsListFile
{
    public static IReadOnlyList<(string PathA, string PathB, bool Same)> Read(string path, string? root = null)
    {
        root ??= Path.GetDirectoryName(Path.GetFullPath(path))!;
        var pairs = new List<(string, string, bool)>();
        foreach (var (line, lineNo) in Data.FaceDataset.ReadListLines(path))
        {
            var f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 3 || !int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var same) || same is not (0 or 1))
                throw new InvalidDataException($"{path}:{lineNo}: expected \"<pathA> <pathB> <1|0>\", got \"{line}\"");
            pairs.Add((Path.GetFullPath(Path.Combine(root, f[0])), Path.GetFullPath(Path.Combine(root, f[1])), same == 1));
        }
        return pairs;
    }
}
