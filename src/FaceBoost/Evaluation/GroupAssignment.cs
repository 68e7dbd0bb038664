using FaceBoost.Data;

namespace FaceBoost.Evaluation;

/// <summary>Assigns groups to pairs from a "&lt;key&gt; &lt;group&gt;" file, where key is an identity (the image's
/// folder name), an image file name or a full path; a pair takes the group of its first image, then of
/// its second. Pairs matched by neither keep their group (possibly none).</summary>
public static class GroupAssignment
{
    public static List<VerificationPair> Apply(IReadOnlyList<VerificationPair> pairs, string groupsFile)
    {
        if (!File.Exists(groupsFile)) throw new FileNotFoundException($"groups file '{groupsFile}' does not exist", groupsFile);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        int n = 0;
        foreach (var raw in File.ReadLines(groupsFile))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int cut = line.LastIndexOfAny([' ', '\t']);
            if (cut <= 0) throw new FormatException($"{groupsFile}:{n}: expected '<identity|file|path> <group>', got '{line}'");
            map[line[..cut].Trim()] = line[(cut + 1)..];
        }
        string? Find(string path) =>
            map.GetValueOrDefault(path) ?? map.GetValueOrDefault(Path.GetFileName(path))
            ?? map.GetValueOrDefault(Path.GetFileName(Path.GetDirectoryName(path) ?? "") ?? "");
        return [.. pairs.Select(p => (Find(p.PathA) ?? Find(p.PathB)) is { } g ? p with { Group = g } : p)];
    }
}
