using FaceBoost.Imaging;
using System.Collections.Frozen;

namespace FaceBoost.Data;

/// <summary>A list of face images with optional identity labels and per-identity groups. Immutable; it
/// holds paths only (images are decoded by <see cref="FaceLoader"/> as they are needed).
/// Labels are dense indexes into <see cref="Identities"/>, which is always sorted ordinally, so the same
/// files give the same labels on every machine.</summary>
public sealed class FaceDataset
{
    public string Name { get; }
    /// <summary>The folder the dataset was read from (for display and relative paths).</summary>
    public string Root { get; }
    public IReadOnlyList<FaceSample> Samples { get; }
    /// <summary>Identity names, ordinally sorted; a sample's Label indexes this list.</summary>
    public IReadOnlyList<string> Identities { get; }
    /// <summary>identity name → group, for the identities whose group is known.</summary>
    public IReadOnlyDictionary<string, string> GroupOfIdentity { get; }
    /// <summary>Files seen while scanning and left out, with why: not images (e.g. Yale's .info), excluded,
    /// marked bad, or lying outside the expected layout.</summary>
    public IReadOnlyList<DatasetProblem> IgnoredFiles { get; }

    public int Count => Samples.Count;
    public int IdentityCount => Identities.Count;
    /// <summary>True when there is at least one identity and every sample has a label.</summary>
    public bool IsLabeled { get; }

    private int[][]? _byLabel;

    private FaceDataset(string name, string root, FaceSample[] samples, string[] identities,
        IReadOnlyDictionary<string, string> groups, IReadOnlyList<DatasetProblem> ignored)
    {
        Name = name; Root = root; Samples = samples; Identities = identities;
        GroupOfIdentity = groups; IgnoredFiles = ignored;
        IsLabeled = identities.Length > 0 && samples.All(s => s.Label >= 0);
    }

    /// <summary>Builds a dataset from (path, identity) pairs in the given order; a null identity means
    /// unlabeled. Identities are sorted ordinally and labels assigned densely. The general factory behind
    /// the others; also for code that makes datasets (e.g. synthetic images).</summary>
    public static FaceDataset FromPaths(string name, string root, IEnumerable<(string Path, string? Identity)> items,
        IReadOnlyDictionary<string, string>? groupOfIdentity = null, IReadOnlyList<DatasetProblem>? ignoredFiles = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToList();
        var identities = list.Where(i => i.Identity != null).Select(i => i.Identity!).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < identities.Length; i++) index[identities[i]] = i;
        var groups = groupOfIdentity == null
            ? FrozenDictionary<string, string>.Empty
            : groupOfIdentity.Where(kv => index.ContainsKey(kv.Key)).ToFrozenDictionary(StringComparer.Ordinal);
        var samples = new FaceSample[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var (path, id) = list[i];
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"{name}: sample {i} has an empty path");
            samples[i] = id == null
                ? new FaceSample(path, FaceSample.Unlabeled)
                : new FaceSample(path, index[id], groups.GetValueOrDefault(id));
        }
        return new FaceDataset(name, root, samples, identities, groups, ignoredFiles ?? []);
    }

    // ---------- readers ----------

    /// <summary>A labeled folder <c>root/&lt;identity&gt;/&lt;image&gt;</c>. Which files are images: see
    /// <see cref="ImageFiles"/> (known extension, else content sniffing; non-images are listed in
    /// <see cref="IgnoredFiles"/>). <paramref name="exclude"/> gets the path relative to root (e.g.
    /// <c>ImageFiles.Glob("*_Ambient.pgm")</c> for Extended Yale B). Files directly in root are ignored;
    /// a folder inside an identity folder is an error (use <see cref="Unlabeled"/> for arbitrary trees);
    /// identity folders without images are not identities.</summary>
    public static FaceDataset FromFolder(string root, string? name = null, Func<string, bool>? exclude = null)
    {
        root = RequireDirectory(root);
        var items = new List<(string, string?)>();
        var ignored = new List<DatasetProblem>();
        foreach (var f in Directory.EnumerateFiles(root).Order(StringComparer.Ordinal))
            ignored.Add(new DatasetProblem(f, "directly in the root folder (images belong in root/<identity>/)"));
        foreach (var dir in SortedSubdirectories(root))
        {
            var identity = Path.GetFileName(dir);
            var nested = SortedSubdirectories(dir).FirstOrDefault();
            if (nested != null)
                throw new InvalidDataException(
                    $"{nested}: a folder inside identity folder '{identity}'. FromFolder reads root/<identity>/<image> with no deeper " +
                    "nesting; flatten it, or read the tree with FaceDataset.Unlabeled (no labels) or a list file.");
            foreach (var file in SortedFiles(dir))
            {
                if (WhyIgnored(root, file, exclude) is string why) ignored.Add(new DatasetProblem(file, why));
                else items.Add((file, identity));
            }
        }
        if (items.Count == 0)
            throw new InvalidDataException($"{root}: no images found in root/<identity>/<image> layout (files directly in the folder are not read; " +
                "for a flat folder of images use FaceDataset.Unlabeled)");
        return FromPaths(name ?? Path.GetFileName(root), root, items, ignoredFiles: ignored);
    }

    /// <summary>A labeled folder with groups: <c>root/&lt;group&gt;/&lt;identity&gt;/&lt;image&gt;</c> (RFW's layout).
    /// Identity names must be unique across groups.</summary>
    public static FaceDataset FromGroupedFolder(string root, string? name = null, Func<string, bool>? exclude = null)
    {
        root = RequireDirectory(root);
        var parts = new List<FaceDataset>();
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var groupDir in SortedSubdirectories(root))
        {
            var group = Path.GetFileName(groupDir);
            FaceDataset part;
            try { part = FromFolder(groupDir, group, rel => exclude != null && exclude(Path.Combine(group, rel))); }
            catch (InvalidDataException ex) when (ex.Message.Contains("no images found")) { continue; }
            foreach (var id in part.Identities)
                if (!groups.TryAdd(id, group))
                    throw new InvalidDataException($"{root}: identity '{id}' appears in groups '{groups[id]}' and '{group}'");
            parts.Add(part);
        }
        if (parts.Count == 0) throw new InvalidDataException($"{root}: no images found in root/<group>/<identity>/<image> layout");
        return Concat(parts, name ?? Path.GetFileName(root)).WithGroups(groups);
    }

    /// <summary>A labeled list file, one <c>&lt;relative path&gt; &lt;label&gt;</c> per line (CelebA's identity.txt).
    /// The label is the last whitespace-separated token (any string; identities are sorted ordinally), the path
    /// is the rest, so paths may contain spaces. Blank lines and lines starting with '#' are skipped. Paths are
    /// relative to <paramref name="imageRoot"/>; if it is null, the list file's folder is used, or its
    /// <c>images</c>, <c>img_celeba</c> or <c>img_align_celeba</c> subfolder when the first listed file is found
    /// there instead. Files are not checked here; a missing one is reported by the loader like a corrupt one.</summary>
    public static FaceDataset FromListFile(string listFile, string? imageRoot = null, string? name = null)
    {
        var lines = ReadListLines(listFile);
        var entries = new List<(string Path, string Label)>(lines.Count);
        foreach (var (text, lineNo) in lines)
        {
            int cut = LastWhitespace(text);
            if (cut < 0)
                throw new InvalidDataException($"{listFile}:{lineNo}: expected '<relative path> <label>', got '{text}'");
            entries.Add((text[..cut].TrimEnd(), text[(cut + 1)..]));
        }
        if (entries.Count == 0) throw new InvalidDataException($"{listFile}: no entries");
        var root = ResolveImageRoot(listFile, imageRoot, entries[0].Path);
        return FromPaths(name ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(listFile)))!, root,
            entries.Select(e => (Path.GetFullPath(Path.Combine(root, e.Path)), (string?)e.Label)));
    }

    /// <summary>An unlabeled pool: every image in a folder tree (any depth, sorted by relative path; same file
    /// rules as <see cref="FromFolder"/>), or every path listed in a file (one per line, relative to the file's
    /// folder; a trailing label token, as in identity.txt, is tolerated and dropped).</summary>
    public static FaceDataset Unlabeled(string folderOrListFile, string? name = null, Func<string, bool>? exclude = null)
    {
        if (Directory.Exists(folderOrListFile))
        {
            var root = Path.GetFullPath(folderOrListFile);
            var items = new List<(string, string?)>();
            var ignored = new List<DatasetProblem>();
            var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions
                { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = true })
                .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
                .Order(StringComparer.Ordinal);
            foreach (var f in files)
            {
                if (WhyIgnored(root, f, exclude) is string why) ignored.Add(new DatasetProblem(f, why));
                else items.Add((f, null));
            }
            if (items.Count == 0) throw new InvalidDataException($"{root}: no images found in the folder tree");
            return FromPaths(name ?? Path.GetFileName(root), root, items, ignoredFiles: ignored);
        }
        if (!File.Exists(folderOrListFile))
            throw new FileNotFoundException($"{folderOrListFile}: no such folder or list file", folderOrListFile);
        var lines = ReadListLines(folderOrListFile);
        if (lines.Count == 0) throw new InvalidDataException($"{folderOrListFile}: no entries");
        var first = lines[0].Text;
        int cut = LastWhitespace(first);
        // Does the list carry labels? Decide once, from the first line, so every line is read alike.
        var listRoot = ResolveImageRoot(folderOrListFile, null, first);
        bool dropLast = cut >= 0 && !File.Exists(Path.Combine(listRoot, first)) && File.Exists(Path.Combine(listRoot, first[..cut].TrimEnd()));
        if (dropLast == false && cut >= 0 && !File.Exists(Path.Combine(listRoot, first)))
        {
            listRoot = ResolveImageRoot(folderOrListFile, null, first[..cut].TrimEnd());
            dropLast = File.Exists(Path.Combine(listRoot, first[..cut].TrimEnd()));
        }
        var paths = lines.Select(l =>
        {
            var p = l.Text;
            if (dropLast) { int c = LastWhitespace(p); if (c >= 0) p = p[..c].TrimEnd(); }
            return (Path.GetFullPath(Path.Combine(listRoot, p)), (string?)null);
        });
        return FromPaths(name ?? Path.GetFileNameWithoutExtension(folderOrListFile), listRoot, paths);
    }

    /// <summary>Reads <c>&lt;identity&gt; &lt;group&gt;</c> lines (e.g. RFW's ethnicity of each identity).</summary>
    public static IReadOnlyDictionary<string, string> ReadGroups(string groupsFile)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (text, lineNo) in ReadListLines(groupsFile))
        {
            int cut = LastWhitespace(text);
            if (cut < 0) throw new InvalidDataException($"{groupsFile}:{lineNo}: expected '<identity> <group>', got '{text}'");
            var id = text[..cut].TrimEnd();
            var group = text[(cut + 1)..];
            if (map.TryGetValue(id, out var old) && old != group)
                throw new InvalidDataException($"{groupsFile}:{lineNo}: identity '{id}' is in group '{old}' and '{group}'");
            map[id] = group;
        }
        return map;
    }

    // ---------- derived datasets ----------

    /// <summary>The same samples with each identity's group set (identities absent from the map have none).</summary>
    public FaceDataset WithGroups(IReadOnlyDictionary<string, string> groupOfIdentity)
    {
        ArgumentNullException.ThrowIfNull(groupOfIdentity);
        return Rebuild(Name, Enumerable.Range(0, Count), groupOfIdentity);
    }

    /// <summary>Groups read from a <c>&lt;identity&gt; &lt;group&gt;</c> file.</summary>
    public FaceDataset WithGroupsFile(string groupsFile) => WithGroups(ReadGroups(groupsFile));

    /// <summary>The same images without labels (e.g. a labeled set used as an unlabeled pretraining pool).</summary>
    public FaceDataset WithoutLabels(string? name = null) =>
        FromPaths(name ?? Name, Root, Samples.Select(s => (s.Path, (string?)null)), ignoredFiles: IgnoredFiles);

    /// <summary>The samples at the given indexes, in that order; identities re-indexed densely.</summary>
    public FaceDataset Subset(IEnumerable<int> sampleIndices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(sampleIndices);
        var idx = sampleIndices.ToArray();
        foreach (var i in idx)
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(sampleIndices), $"sample index {i} outside 0..{Count - 1}");
        return Rebuild(name ?? Name, idx, GroupOfIdentity);
    }

    /// <summary>The samples matching a predicate; identities re-indexed densely.</summary>
    public FaceDataset Subset(Func<FaceSample, bool> keep, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return Rebuild(name ?? Name, Enumerable.Range(0, Count).Where(i => keep(Samples[i])), GroupOfIdentity);
    }

    /// <summary>All samples of the named identities.</summary>
    public FaceDataset SubsetIdentities(IEnumerable<string> identities, string? name = null)
    {
        var wanted = identities.Select(LabelOf).ToHashSet();
        return Subset(s => wanted.Contains(s.Label), name);
    }

    /// <summary>Concatenates datasets. Identities with the same name are the same person (so a dataset split
    /// and concatenated again is unchanged); pass <paramref name="prefixIdentities"/> to keep datasets apart by
    /// naming identities "&lt;dataset name&gt;/&lt;identity&gt;". Unlabeled datasets concatenate too.</summary>
    public static FaceDataset Concat(IEnumerable<FaceDataset> datasets, string? name = null, bool prefixIdentities = false)
    {
        var list = datasets.ToList();
        if (list.Count == 0) throw new ArgumentException("nothing to concatenate", nameof(datasets));
        string Id(FaceDataset d, string id) => prefixIdentities ? $"{d.Name}/{id}" : id;
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in list)
            foreach (var (id, g) in d.GroupOfIdentity)
                groups[Id(d, id)] = g;
        var items = list.SelectMany(d => d.Samples.Select(s => (s.Path, s.Label >= 0 ? Id(d, d.Identities[s.Label]) : null)));
        var roots = list.Select(d => d.Root).Distinct().ToList();
        return FromPaths(name ?? string.Join("+", list.Select(d => d.Name)), roots.Count == 1 ? roots[0] : "", items, groups,
            list.SelectMany(d => d.IgnoredFiles).ToList());
    }

    public static FaceDataset Concat(params FaceDataset[] datasets) => Concat(datasets, null);

    // ---------- queries ----------

    /// <summary>Sample indexes of each label: [label] → indexes in sample order.</summary>
    public IReadOnlyList<int> SamplesOf(int label)
    {
        if ((uint)label >= (uint)IdentityCount) throw new ArgumentOutOfRangeException(nameof(label), $"label {label} outside 0..{IdentityCount - 1}");
        _byLabel ??= BuildByLabel();
        return _byLabel[label];
    }

    public int LabelOf(string identity)
    {
        int i = ((string[])Identities).AsSpan().BinarySearch(identity, StringComparer.Ordinal);
        return i >= 0 ? i : throw new KeyNotFoundException($"{Name}: no identity '{identity}'");
    }

    public string? GroupOf(int label) => label >= 0 ? GroupOfIdentity.GetValueOrDefault(Identities[label]) : null;

    /// <summary>Images per identity (min, mean, max) over identities; zeros when unlabeled.</summary>
    public (int Min, double Mean, int Max) ImagesPerIdentity()
    {
        if (IdentityCount == 0) return (0, 0, 0);
        var counts = Enumerable.Range(0, IdentityCount).Select(l => SamplesOf(l).Count).ToArray();
        return (counts.Min(), counts.Average(), counts.Max());
    }

    /// <summary>Decodes every image (in parallel) and reports the ones that fail; see <see cref="DatasetValidator"/>.</summary>
    public DatasetValidation Validate(int workers = 2, IProgress<int>? progress = null, CancellationToken cancel = default) =>
        DatasetValidator.Validate(this, workers, progress, cancel);

    public override string ToString() =>
        $"{Name}: {Count} images" + (IdentityCount > 0 ? $", {IdentityCount} identities" : ", unlabeled") +
        (GroupOfIdentity.Count > 0 ? $", {GroupOfIdentity.Values.Distinct().Count()} groups" : "");

    // ---------- internals ----------

    private FaceDataset Rebuild(string name, IEnumerable<int> indices, IReadOnlyDictionary<string, string> groups) =>
        FromPaths(name, Root, indices.Select(i => (Samples[i].Path, Samples[i].Label >= 0 ? Identities[Samples[i].Label] : null)),
            groups, IgnoredFiles);

    private int[][] BuildByLabel()
    {
        var lists = new List<int>[IdentityCount];
        for (int i = 0; i < lists.Length; i++) lists[i] = [];
        for (int i = 0; i < Count; i++) if (Samples[i].Label >= 0) lists[Samples[i].Label].Add(i);
        return lists.Select(l => l.ToArray()).ToArray();
    }

    private static string? WhyIgnored(string root, string file, Func<string, bool>? exclude) =>
        exclude != null && exclude(Path.GetRelativePath(root, file)) ? "excluded by the caller's filter" : ImageFiles.WhyNotImage(file);

    private static string RequireDirectory(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such folder");
        return Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) is { Length: > 0 } r ? r : "/";
    }

    private static IEnumerable<string> SortedSubdirectories(string dir) =>
        Directory.EnumerateDirectories(dir).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    private static IEnumerable<string> SortedFiles(string dir) => Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal);

    /// <summary>The non-blank, non-comment lines of a text list (pairs, labels, groups), trimmed. A missing or
    /// unreadable file, or a line holding a NUL or other control character (a binary file, or a path no file system
    /// accepts), is an <see cref="InvalidDataException"/> naming the file and line.</summary>
    private static readonly System.Buffers.SearchValues<char> ControlChars =
        System.Buffers.SearchValues.Create(Enumerable.Range(0, 32).Where(c => c != '\t').Select(c => (char)c).Append('\x7f').ToArray());

    internal static List<(string Text, int LineNo)> ReadListLines(string file)
    {
        if (file.Contains('\0')) throw new InvalidDataException($"{file.Replace('\0', '?')}: the list path contains a NUL byte");
        if (!File.Exists(file)) throw new InvalidDataException($"{file}: no such list file");
        var result = new List<(string, int)>();
        int n = 0;
        try
        {
            foreach (var raw in File.ReadLines(file))
            {
                n++;
                var t = raw.Trim();
                if (t.Length == 0 || t[0] == '#') continue;
                int bad = t.AsSpan().IndexOfAny(ControlChars);
                if (bad >= 0)
                    throw new InvalidDataException($"{file}:{n}: control character U+{(int)t[bad]:X4} in the line (a NUL byte in a path, or not a text list)");
                result.Add((t, n));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"{file}: cannot read the list: {ex.Message}", ex); }
        return result;
    }

    internal static int LastWhitespace(string s)
    {
        for (int i = s.Length - 1; i >= 0; i--) if (char.IsWhiteSpace(s[i])) return i;
        return -1;
    }

    private static string ResolveImageRoot(string listFile, string? imageRoot, string firstRelative)
    {
        if (imageRoot != null)
        {
            if (!Directory.Exists(imageRoot)) throw new DirectoryNotFoundException($"{imageRoot}: image root folder not found");
            return Path.GetFullPath(imageRoot);
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(listFile))!;
        if (File.Exists(Path.Combine(dir, firstRelative))) return dir;
        foreach (var sub in new[] { "images", "img_celeba", "img_align_celeba" })
            if (File.Exists(Path.Combine(dir, sub, firstRelative))) return Path.Combine(dir, sub);
        return dir;
    }
}
