using System.Globalization;
using FaceBoost.Data;

namespace FaceBoost.Evaluation;

/// <summary>Reads a pair list in any <see cref="PairFileFormat"/>, detecting it when asked, via the data
/// layer's <see cref="PairSets"/> readers.</summary>
public static class PairFileReader
{
    /// <param name="imageRoot">Image root; default the list's folder. "{group}" in it is replaced by the group.</param>
    /// <param name="group">Group of every pair of this file (RFW); generic lines may name their own.</param>
    public static IReadOnlyList<VerificationPair> Read(string path, string? imageRoot = null, string? group = null, PairFileFormat format = PairFileFormat.Auto)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"pairs file '{path}' does not exist", path);
        var root = imageRoot?.Replace("{group}", group ?? "", StringComparison.Ordinal) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (format == PairFileFormat.Auto)
            format = !IsLfwStyle(path) ? PairFileFormat.Generic : group is null || HasCountHeader(path) ? PairFileFormat.Lfw : PairFileFormat.Rfw;
        IReadOnlyList<VerificationPair> pairs = format switch
        {
            PairFileFormat.Lfw => PairSets.ReadLfw(path, root),
            PairFileFormat.Rfw => PairSets.ReadRfw(path, root, group ?? Path.GetFileNameWithoutExtension(path).Replace("_pairs", "", StringComparison.Ordinal)),
            _ => PairSets.ReadList(path, root),
        };
        if (pairs.Count == 0) throw new InvalidDataException($"pairs file '{path}' has no pairs");
        return group is null || format == PairFileFormat.Rfw ? pairs : [.. pairs.Select(p => p with { Group = p.Group ?? group })];
    }

    /// <summary>True when every pair line is LFW/RFW-style (name + image numbers): a published list whose
    /// order (or header) defines its folds.</summary>
    public static bool IsLfwStyle(string path)
    {
        bool first = true, any = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (first && f.Length is 1 or 2 && f.All(IsInt)) { first = false; continue; }
            first = false;
            bool named = (f.Length == 3 && IsInt(f[1]) && IsInt(f[2])) || (f.Length == 4 && IsInt(f[1]) && IsInt(f[3]) && !IsInt(f[2]));
            if (!named) return false;
            any = true;
        }
        return any;
    }

    private static bool HasCountHeader(string path)
    {
        var first = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        var f = first?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];
        return f.Length is 1 or 2 && f.All(IsInt);
    }

    private static bool IsInt(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
