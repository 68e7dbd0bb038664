using FaceBoost.Runtime;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FaceBoost.Data;

/// <summary>Verification pair lists: generated from a labeled dataset, or read/written in the LFW, RFW and a
/// generic <c>&lt;pathA&gt; &lt;pathB&gt; &lt;0|1&gt;</c> form. The one reader of every pair-list format in FaceBoost
/// (eval, experiments, pack-pairs).</summary>
public static partial class PairSets
{
    /// <summary>Reads a pair list in any <see cref="PairFileFormat"/>, detecting it when asked.</summary>
    public static IReadOnlyList<VerificationPair> Read(string path, PairListOptions? options = null)
    {
        options ??= new PairListOptions();
        if (!File.Exists(path)) throw new FileNotFoundException($"pairs file '{path}' does not exist", path);
        var group = options.Group;
        var root = options.ImageRoot?.Replace("{group}", group ?? "", StringComparison.Ordinal) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        var format = options.Format;
        if (format == PairFileFormat.Auto)
            format = !IsNamedList(path) ? PairFileFormat.Generic : group is null || HasCountHeader(path) ? PairFileFormat.Lfw : PairFileFormat.Rfw;
        var images = options.Images.Validate();
        IReadOnlyList<VerificationPair> pairs = format switch
        {
            PairFileFormat.Lfw => ReadLfw(path, root, images),
            PairFileFormat.Rfw => ReadRfw(path, root, group ?? Path.GetFileNameWithoutExtension(path).Replace("_pairs", "", StringComparison.Ordinal), images),
            _ => ReadList(path, root),
        };
        if (pairs.Count == 0) throw new InvalidDataException($"pairs file '{path}' has no pairs");
        return group is null || format == PairFileFormat.Rfw ? pairs : [.. pairs.Select(p => p with { Group = p.Group ?? group })];
    }

    /// <summary>True when every pair line is LFW/RFW-style (name + image numbers): a published list whose
    /// order (or header) defines its folds.</summary>
    public static bool IsNamedList(string path)
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

    /// <summary>Throws a <see cref="FileNotFoundException"/> listing the first 5 image paths that do not exist (with how
    /// many are missing in all), so a wrong image root, pattern or extension is obvious before any embedding.</summary>
    public static void RequireImages(IReadOnlyList<VerificationPair> pairs, string source)
    {
        var paths = pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal).ToList();
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count == 0) return;
        throw new FileNotFoundException(
            $"{source}: {missing.Count} of {paths.Count} images not found; the first {Math.Min(5, missing.Count)}:\n  "
            + string.Join("\n  ", missing.Take(5))
            + "\n(name + number lists find images by --images ROOT --image-pattern '" + ImagePathTemplate.LfwPattern + "' --image-ext jpg; "
            + "adjust them, or give a list of plain relative paths)");
    }

    private static bool HasCountHeader(string path)
    {
        var first = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        var f = first?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];
        return f.Length is 1 or 2 && f.All(IsInt);
    }

    private static bool IsInt(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>Balanced pairs: ⌈count/2⌉ genuine and ⌊count/2⌋ impostor (fewer if the dataset cannot supply that many
    /// distinct ones). Genuine pairs cycle over the identities with ≥ 2 images so every identity is used evenly;
    /// impostor pairs join two random identities (of the same group when <paramref name="impostorsWithinGroup"/>,
    /// as RFW does). No pair repeats (in either order). Genuine first, then impostors; deterministic for a seed.</summary>
    public static IReadOnlyList<VerificationPair> Generate(FaceDataset ds, int count, int seed, bool impostorsWithinGroup = false)
    {
        ArgumentNullException.ThrowIfNull(ds);
        if (!ds.IsLabeled) throw new InvalidOperationException($"{ds.Name}: pairs need a labeled dataset");
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), "at least 2 pairs (one of each kind)");
        var rng = new SeededRandom(seed, 0x9A1B5);
        var seen = new HashSet<(int, int)>();
        var result = new List<VerificationPair>(count);
        bool Add(int a, int b, bool same)
        {
            if (a > b) (a, b) = (b, a);
            if (a == b || !seen.Add((a, b))) return false;
            var sa = ds.Samples[a]; var sb = ds.Samples[b];
            result.Add(new VerificationPair(sa.Path, sb.Path, same, sa.Group == sb.Group ? sa.Group : null));
            return true;
        }

        int genuineWanted = (count + 1) / 2, impostorWanted = count / 2;
        var multi = Enumerable.Range(0, ds.IdentityCount).Where(l => ds.SamplesOf(l).Count >= 2).ToArray();
        if (multi.Length == 0) throw new InvalidOperationException($"{ds.Name}: no identity has 2 images, so no genuine pair exists");
        long possible = multi.Sum(l => (long)ds.SamplesOf(l).Count * (ds.SamplesOf(l).Count - 1) / 2);
        genuineWanted = (int)Math.Min(genuineWanted, possible);
        rng.Shuffle(multi);
        int failures = 0;
        for (int k = 0; result.Count < genuineWanted && failures < 50 * count; k++)
        {
            var s = ds.SamplesOf(multi[k % multi.Length]);
            if (!Add(s[rng.NextInt(s.Count)], s[rng.NextInt(s.Count)], true)) failures++;
        }
        int genuine = result.Count;

        if (ds.IdentityCount < 2) throw new InvalidOperationException($"{ds.Name}: impostor pairs need 2 or more identities");
        var byGroup = Enumerable.Range(0, ds.IdentityCount).GroupBy(l => impostorsWithinGroup ? ds.GroupOf(l) ?? "" : "")
            .Select(g => g.ToArray()).Where(g => g.Length >= 2).ToArray();
        if (byGroup.Length == 0) throw new InvalidOperationException($"{ds.Name}: no group has 2 identities for impostor pairs");
        failures = 0;
        for (int k = 0; result.Count - genuine < impostorWanted && failures < 50 * count; k++)
        {
            var ids = byGroup[k % byGroup.Length];
            int la = ids[rng.NextInt(ids.Length)], lb = ids[rng.NextInt(ids.Length)];
            if (la == lb) { failures++; continue; }
            var sa = ds.SamplesOf(la); var sb = ds.SamplesOf(lb);
            if (!Add(sa[rng.NextInt(sa.Count)], sb[rng.NextInt(sb.Count)], false)) failures++;
        }
        return result;
    }

    // ---------- LFW ----------

    /// <summary>Reads LFW's <c>pairs.txt</c> (or pairsDevTrain/DevTest): an optional header "&lt;folds&gt; &lt;n&gt;" or
    /// "&lt;n&gt;", then <c>name n1 n2</c> (same person) or <c>name1 n1 name2 n2</c> (different) lines, images at
    /// <c>imageRoot/name/name_0001.jpg</c> (or as <paramref name="images"/> says). With a "folds n" header each fold is
    /// n same then n different lines, and pairs get their fold number.</summary>
    public static IReadOnlyList<VerificationPair> ReadLfw(string pairsTxt, string imageRoot, ImagePathTemplate? images = null) =>
        ReadNamed(pairsTxt, imageRoot, images ?? ImagePathTemplate.Lfw, group: null, lfwHeader: true);

    /// <summary>Writes LFW form. Every path must look like <c>…/name/name_NNNN.ext</c>. If all pairs carry folds
    /// and each fold is n same + n different, writes a "folds n" header and the folds in LFW order; otherwise a
    /// one-number header (the pair count), as pairsDevTrain.txt has.</summary>
    public static void WriteLfw(IReadOnlyList<VerificationPair> pairs, string path)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sb = new StringBuilder();
        var folds = pairs.GroupBy(p => p.Fold).OrderBy(g => g.Key).ToList();
        int perFold = folds.Count > 0 ? folds[0].Count(p => p.Same) : 0;
        bool folded = folds.Count > 0 && folds.All(g => g.Key >= 0 && g.Count(p => p.Same) == perFold && g.Count(p => !p.Same) == perFold);
        if (folded)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{folds.Count}\t{perFold}\n");
            foreach (var g in folds)
                foreach (var p in g.Where(p => p.Same).Concat(g.Where(p => !p.Same))) sb.Append(NamedLine(p, path)).Append('\n');
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"{pairs.Count}\n");
            foreach (var p in pairs) sb.Append(NamedLine(p, path)).Append('\n');
        }
        WriteAtomically(path, sb.ToString());
    }

    // ---------- RFW ----------

    /// <summary>Reads an RFW <c>&lt;group&gt;_pairs.txt</c> (no header; same line forms as LFW). Images are at
    /// <c>imageRoot/name/name_0001.jpg</c>, or at <c>imageRoot/&lt;group&gt;/name/…</c> when that folder exists
    /// (so both RFW's data root and a group folder work). Every pair gets <paramref name="group"/>.</summary>
    public static IReadOnlyList<VerificationPair> ReadRfw(string groupPairsTxt, string imageRoot, string group, ImagePathTemplate? images = null)
    {
        var groupDir = Path.Combine(imageRoot, group);
        return ReadNamed(groupPairsTxt, Directory.Exists(groupDir) ? groupDir : imageRoot, images ?? ImagePathTemplate.Lfw, group, lfwHeader: false);
    }

    /// <summary>Writes RFW form (no header). Paths must look like <c>…/name/name_NNNN.ext</c>.</summary>
    public static void WriteRfw(IReadOnlyList<VerificationPair> pairs, string path)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sb = new StringBuilder();
        foreach (var p in pairs) sb.Append(NamedLine(p, path)).Append('\n');
        WriteAtomically(path, sb.ToString());
    }

    // ---------- generic ----------

    /// <summary>Reads <c>&lt;pathA&gt; &lt;pathB&gt; &lt;0|1&gt;</c> lines (1 = same person; a 4th field, if present, is the
    /// group). Fields are tab-separated when the line has a tab (so paths may hold spaces), else whitespace-separated.
    /// Relative paths are relative to <paramref name="imageRoot"/>, default the list's folder.</summary>
    public static IReadOnlyList<VerificationPair> ReadList(string pairsFile, string? imageRoot = null)
    {
        var root = Path.GetFullPath(imageRoot ?? Path.GetDirectoryName(Path.GetFullPath(pairsFile))!);
        var result = new List<VerificationPair>();
        foreach (var (text, lineNo) in FaceDataset.ReadListLines(pairsFile))
        {
            var f = text.Contains('\t') ? text.Split('\t', StringSplitOptions.TrimEntries) : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length is < 3 or > 4 || f[2] is not ("0" or "1"))
                throw new InvalidDataException($"{pairsFile}:{lineNo}: expected '<pathA> <pathB> <0|1> [group]', got '{text}'");
            result.Add(new VerificationPair(Path.GetFullPath(Path.Combine(root, f[0])), Path.GetFullPath(Path.Combine(root, f[1])),
                f[2] == "1", f.Length == 4 ? f[3] : null));
        }
        return result;
    }

    /// <summary>Writes the generic tab-separated form; paths relative to <paramref name="relativeTo"/> when given.</summary>
    public static void WriteList(IReadOnlyList<VerificationPair> pairs, string path, string? relativeTo = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        string P(string p) => relativeTo == null ? p : Path.GetRelativePath(relativeTo, p);
        var sb = new StringBuilder();
        foreach (var p in pairs)
        {
            sb.Append(P(p.PathA)).Append('\t').Append(P(p.PathB)).Append('\t').Append(p.Same ? '1' : '0');
            if (p.Group != null) sb.Append('\t').Append(p.Group);
            sb.Append('\n');
        }
        WriteAtomically(path, sb.ToString());
    }

    // ---------- internals ----------

    private static IReadOnlyList<VerificationPair> ReadNamed(string file, string imageRoot, ImagePathTemplate images, string? group, bool lfwHeader)
    {
        var lines = FaceDataset.ReadListLines(file);
        int folds = 0, perFold = 0, start = 0;
        if (lfwHeader && lines.Count > 0)
        {
            var h = lines[0].Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (h.Length is 1 or 2 && h.All(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                start = 1;
                if (h.Length == 2) { folds = int.Parse(h[0], CultureInfo.InvariantCulture); perFold = int.Parse(h[1], CultureInfo.InvariantCulture); }
            }
        }
        string Img(string name, string n, string where)
        {
            if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int k))
                throw new InvalidDataException($"{where}: '{n}' is not an image number");
            return Path.GetFullPath(Path.Combine(imageRoot, images.Format(name, k)));
        }
        int body = lines.Count - start;
        bool useFolds = folds > 0 && body == folds * 2 * perFold;
        var result = new List<VerificationPair>(body);
        for (int i = start; i < lines.Count; i++)
        {
            var (text, lineNo) = lines[i];
            string where = $"{file}:{lineNo}";
            var f = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int fold = useFolds ? (i - start) / (2 * perFold) : -1;
            result.Add(f.Length switch
            {
                3 => new VerificationPair(Img(f[0], f[1], where), Img(f[0], f[2], where), true, group, fold),
                4 => new VerificationPair(Img(f[0], f[1], where), Img(f[2], f[3], where), false, group, fold),
                _ => throw new InvalidDataException($"{where}: expected 'name n1 n2' (same) or 'name1 n1 name2 n2' (different), got '{text}'"),
            });
        }
        return result;
    }

    private static string NamedLine(VerificationPair p, string target)
    {
        var (na, ia) = ParseNamed(p.PathA, target);
        var (nb, ib) = ParseNamed(p.PathB, target);
        if (p.Same)
        {
            if (na != nb) throw new InvalidDataException($"{target}: a 'same' pair joins two names, {na} and {nb}");
            return $"{na}\t{ia}\t{ib}";
        }
        return $"{na}\t{ia}\t{nb}\t{ib}";
    }

    private static (string Name, int Number) ParseNamed(string path, string target)
    {
        var file = Path.GetFileNameWithoutExtension(path);
        var folder = Path.GetFileName(Path.GetDirectoryName(path) ?? "");
        var m = NamedFile().Match(file);
        if (!m.Success || m.Groups[1].Value != folder)
            throw new InvalidDataException($"{target}: {path} is not of the form <name>/<name>_NNNN.<ext> that LFW/RFW pair files need");
        return (folder, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(.+)_(\d+)$")]
    private static partial Regex NamedFile();

    private static void WriteAtomically(string path, string text) => AtomicFile.WriteAllText(path, text);
}
