using System.Globalization;
using FaceBoost.Data;

namespace FaceBoost.Evaluation;

/// <summary>Reads verification pair lists (LFW, RFW, generic; see <see cref="PairFileFormat"/>). Malformed
/// lines are errors naming the file and line: a silently shortened benchmark would report wrong numbers.</summary>
public static class PairFileReader
{
    /// <param name="imageRoot">Root for LFW-style names and relative generic paths; "{group}" in it is
    /// replaced by <paramref name="group"/> (RFW keeps one image folder per group).</param>
    /// <param name="group">Group of every pair in this file (generic lines may name their own).</param>
    public static List<VerificationPair> Read(string path, string? imageRoot = null, string? group = null, PairFileFormat format = PairFileFormat.Auto)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"pairs file '{path}' does not exist", path);
        var root = imageRoot?.Replace("{group}", group ?? "", StringComparison.Ordinal) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        var pairs = new List<VerificationPair>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Contains('\t') ? line.Split('\t', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                                        : line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string Where() => $"{path}:{lineNo}: '{line}'";
            // LFW header: number of sets and pairs per set.
            if (lineNo == 1 && f.Length == 2 && f.All(IsInt)) continue;
            var kind = format == PairFileFormat.Auto ? Detect(f) : format;
            if (kind == PairFileFormat.Lfw)
            {
                pairs.Add(f.Length switch
                {
                    3 => new VerificationPair(LfwPath(root, f[0], f[1]), LfwPath(root, f[0], f[2]), true, group),
                    4 => new VerificationPair(LfwPath(root, f[0], f[1]), LfwPath(root, f[2], f[3]), false, group),
                    _ => throw new FormatException($"{Where()}: an LFW/RFW line has 3 fields (genuine) or 4 (impostor), got {f.Length}"),
                });
            }
            else
            {
                if (f.Length is < 3 or > 4) throw new FormatException($"{Where()}: a generic line is 'pathA pathB label [group]', got {f.Length} fields");
                bool same = f[2].ToLowerInvariant() switch
                {
                    "1" or "same" or "true" or "genuine" => true,
                    "0" or "-1" or "diff" or "different" or "false" or "impostor" => false,
                    _ => throw new FormatException($"{Where()}: label '{f[2]}' is not 1/0, same/diff or true/false"),
                };
                pairs.Add(new VerificationPair(Rooted(root, f[0]), Rooted(root, f[1]), same, f.Length == 4 ? f[3] : group));
            }
        }
        if (pairs.Count == 0) throw new FormatException($"pairs file '{path}' has no pairs");
        return pairs;
    }

    private static PairFileFormat Detect(string[] f) =>
        (f.Length == 3 && IsInt(f[1]) && IsInt(f[2]) && !LooksLikePath(f[0])) || (f.Length == 4 && IsInt(f[1]) && IsInt(f[3]))
            ? PairFileFormat.Lfw : PairFileFormat.Generic;

    private static bool LooksLikePath(string s) => s.Contains('/') || s.Contains('\\') || Path.HasExtension(s) && s.Length > 4 && s[^4] == '.';

    private static bool IsInt(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string LfwPath(string root, string name, string n) =>
        IsInt(n) ? Path.Combine(root, name, $"{name}_{int.Parse(n, CultureInfo.InvariantCulture):D4}.jpg") : Path.Combine(root, name, n);

    private static string Rooted(string root, string p) => Path.IsPathRooted(p) ? p : Path.Combine(root, p);
}
