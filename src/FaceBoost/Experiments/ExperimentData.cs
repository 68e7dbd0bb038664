using FaceBoost.Imaging;
using FaceBoost.Data;
using FaceBoost.Evaluation;

namespace FaceBoost.Experiments;

/// <summary>An unlabeled pool resolved to files (evaluation identities already removed).</summary>
public sealed record ResolvedPool(string Name, IReadOnlyList<string> Files, string Fingerprint);

/// <summary>An evaluation set resolved to pairs.</summary>
/// <param name="Folds">How the k-fold protocol splits the pairs: consecutive blocks for published lists (their own
/// order, as LFW/RFW), stratified for pairs generated here (they come genuine-first, so consecutive folds would
/// be all-genuine or all-impostor).</param>
public sealed record ResolvedEvalSet(string Name, IReadOnlyList<VerificationPair> Pairs, string Fingerprint, FoldScheme Folds);

/// <summary>The data side of an experiment, resolved once: the labeled training identities, the held-out
/// identities, the unlabeled pools (and their union) without any evaluation image, and the pair lists.</summary>
public sealed class ExperimentData
{
    public required FaceDataset LabeledTrain { get; init; }
    public FaceDataset? HeldOut { get; init; }
    /// <summary>Identities taken from the training split for choosing settings (labeled.validationFraction).</summary>
    public FaceDataset? Validation { get; init; }
    public required IReadOnlyList<ResolvedPool> Pools { get; init; }
    public required IReadOnlyList<ResolvedEvalSet> EvalSets { get; init; }
    /// <summary>Fingerprint of the labeled files and split, part of every recognition stage key.</summary>
    public required string LabeledFingerprint { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    public const string UnionPool = "union";

    public ResolvedPool Pool(string name) =>
        Pools.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"arm refers to pool '{name}', but the config has only [{string.Join(", ", Pools.Select(p => p.Name))}]");

    public static ExperimentData Load(ExperimentConfig c, string baseDir)
    {
        string Full(string p) => Path.GetFullPath(p, baseDir);
        var notes = new List<string>();

        var labeled = LoadLabeled(c.Labeled, Full);
        FaceDataset train = labeled, heldOut = null!;
        var needHeldOut = c.Evaluation.Count == 0 || c.Evaluation.Any(e => e.Source == "heldout" && e.Pairs is null);
        if (c.Labeled.HeldOutFraction > 0)
            (train, heldOut) = Splits.IdentityDisjoint(labeled, c.Labeled.HeldOutFraction, c.Labeled.SplitSeed);
        else if (needHeldOut)
            throw new ArgumentException("evaluation on held-out identities needs labeled.heldOutFraction > 0 (or give evaluation sets with pairs)");
        FaceDataset? validation = null;
        if (c.Labeled.ValidationFraction is < 0 or >= 1)
            throw new ArgumentException($"labeled.validationFraction must be in [0, 1), got {c.Labeled.ValidationFraction}");
        if (c.Labeled.ValidationFraction > 0)
            (train, validation) = Splits.IdentityDisjoint(train, c.Labeled.ValidationFraction, c.Labeled.SplitSeed + 1);
        notes.Add($"labeled set: {labeled.IdentityCount} identities / {labeled.Count} images; training split {train.IdentityCount} identities / {train.Count} images" +
                  (validation is null ? "" : $"; validation split (of the training identities, for choosing settings) {validation.IdentityCount} identities / {validation.Count} images") +
                  (heldOut is null ? "" : $"; held out for evaluation {heldOut.IdentityCount} identities / {heldOut.Count} images"));

        // Evaluation pairs first: their images are removed from every unlabeled pool.
        var evalSets = new List<ResolvedEvalSet>();
        var evalConfigs = c.Evaluation.Count > 0 ? c.Evaluation : [new EvalSetConfig()];
        foreach (var e in evalConfigs)
        {
            IReadOnlyList<VerificationPair> pairs;
            var folds = e.Pairs is null ? FoldScheme.Stratified : FoldScheme.Consecutive;
            if (e.Pairs is { } pairsFile)
                pairs = PairSets.ReadList(Full(pairsFile), e.ImageRoot is null ? null : Full(e.ImageRoot));
            else
            {
                var source = e.Source switch
                {
                    "heldout" => heldOut ?? throw new ArgumentException($"evaluation '{e.Name}': no held-out identities (labeled.heldOutFraction is 0)"),
                    "validation" => validation ?? throw new ArgumentException($"evaluation '{e.Name}': no validation split (labeled.validationFraction is 0)"),
                    _ => FaceDataset.FromFolder(Full(e.Source)),
                };
                if (e.Groups is { } g) source = source.WithGroupsFile(Full(g));
                var grouped = source.GroupOfIdentity.Count > 0;
                pairs = PairSets.Generate(source, e.NumPairs, e.PairSeed, impostorsWithinGroup: grouped);
            }
            if (pairs.Count == 0) throw new InvalidDataException($"evaluation '{e.Name}' has no pairs");
            var key = string.Join('\n', pairs.Select(p => $"{p.PathA}|{p.PathB}|{p.Same}|{p.Group}")) + "\nfolds:" + folds;
            evalSets.Add(new ResolvedEvalSet(e.Name, pairs, StageCache.Hash(key), folds));
            notes.Add($"evaluation '{e.Name}' ({(e.Pairs is not null ? "pair list" : e.Source switch { "heldout" => "held-out identities", "validation" => "validation split of the training identities", _ => e.Source })}): {pairs.Count} pairs ({pairs.Count(p => p.Same)} genuine)" +
                      (pairs.Any(p => p.Group is not null) ? $", groups {string.Join("/", pairs.Select(p => p.Group).OfType<string>().Distinct().Order())}" : ""));
        }
        var evalImages = new HashSet<string>(evalSets.SelectMany(s => s.Pairs.SelectMany(p => new[] { Path.GetFullPath(p.PathA), Path.GetFullPath(p.PathB) })), StringComparer.Ordinal);
        if (heldOut is not null) evalImages.UnionWith(heldOut.Samples.Select(s => Path.GetFullPath(s.Path)));
        if (validation is not null) evalImages.UnionWith(validation.Samples.Select(s => Path.GetFullPath(s.Path)));

        var pools = new List<ResolvedPool>();
        foreach (var p in c.Pools)
        {
            if (string.IsNullOrWhiteSpace(p.Name) || p.Name == UnionPool) throw new ArgumentException($"pool name '{p.Name}' is empty or reserved");
            var ds = FaceDataset.Unlabeled(Full(p.Path), p.Name, p.Exclude.Count > 0 ? ImageFiles.Glob([.. p.Exclude]) : null);
            var all = ds.Samples.Select(s => Path.GetFullPath(s.Path)).ToList();
            var files = all.Where(f => !evalImages.Contains(f)).ToList();
            if (p.MaxImages > 0 && files.Count > p.MaxImages)
            {
                var order = new SeededRandom(c.Labeled.SplitSeed, 0x9001).Permutation(files.Count);
                files = order.Take(p.MaxImages).Order().Select(i => files[i]).ToList();
            }
            if (files.Count == 0) throw new InvalidDataException($"pool '{p.Name}' ({p.Path}) has no image left after removing evaluation images");
            pools.Add(new ResolvedPool(p.Name, files, FilesFingerprint(files)));
            notes.Add($"unlabeled pool '{p.Name}': {files.Count} images" + (all.Count > files.Count ? $" ({all.Count - files.Count} of evaluation identities removed or capped)" : ""));
        }
        if (pools.Count > 1 && c.UnionPool)
        {
            var union = pools.SelectMany(p => p.Files).Distinct().ToList();
            pools.Add(new ResolvedPool(UnionPool, union, FilesFingerprint(union)));
        }
        else if (pools.Count == 1)
            pools.Add(pools[0] with { Name = UnionPool }); // one pool: the union is that pool

        var labeledKey = string.Join('\n', train.Samples.Select(s => $"{s.Path}|{train.Identities[s.Label]}"));
        return new ExperimentData
        {
            LabeledTrain = train, HeldOut = heldOut, Validation = validation, Pools = pools, EvalSets = evalSets,
            LabeledFingerprint = StageCache.Hash(labeledKey + "\n" + FilesFingerprint(train.Samples.Select(s => s.Path).ToList())),
            Notes = notes,
        };
    }

    private static FaceDataset LoadLabeled(LabeledSetConfig l, Func<string, string> full)
    {
        var sources = l.Sources.Count > 0
            ? l.Sources
            : [new LabeledSourceConfig { Name = "labeled", Path = l.Path, ListFile = l.ListFile, Groups = l.Groups, Exclude = l.Exclude }];
        if (sources.Any(s => string.IsNullOrWhiteSpace(s.Path))) throw new ArgumentException("labeled: every source needs a path");
        var sets = new List<FaceDataset>();
        foreach (var s in sources)
        {
            var name = string.IsNullOrWhiteSpace(s.Name) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(s.Path)) : s.Name;
            var ds = s.ListFile
                ? FaceDataset.FromListFile(full(s.Path), s.ImageRoot is null ? null : full(s.ImageRoot), name)
                : FaceDataset.FromFolder(full(s.Path), name, s.Exclude.Count > 0 ? ImageFiles.Glob([.. s.Exclude]) : null);
            if (s.ListFile && s.Exclude.Count > 0)
            {
                var ex = ImageFiles.Glob([.. s.Exclude]);
                ds = ds.Subset(x => !ex(Path.GetRelativePath(ds.Root, x.Path)));
            }
            if (s.Groups is { } g) ds = ds.WithGroupsFile(full(g));
            else if (s.Group is { } one || sources.Count > 1)
                ds = ds.WithGroups(ds.Identities.ToDictionary(i => i, _ => s.Group ?? name));
            sets.Add(ds);
        }
        var all = sets.Count == 1 ? sets[0] : FaceDataset.Concat(sets, "labeled", prefixIdentities: true);
        if (all.IdentityCount < 4) throw new InvalidDataException($"labeled set has {all.IdentityCount} identities; an experiment needs at least 4");
        return all;
    }

    /// <summary>Paths and contents of the files (SHA-256 of each): changed bytes re-run the stages that read them, while
    /// a copy of the same data with new modification times (a re-provisioned data folder) keeps every cached stage.</summary>
    public static string FilesFingerprint(IReadOnlyList<string> files)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var f in files) sb.Append(f).Append('|').Append(ContentHash(f)).Append('\n');
        return StageCache.Hash(sb.ToString());
    }

    // A pool, the union and the labeled split read the same files: hash each once per process while its size and time hold.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, long Length, long Ticks), string> ContentHashes = new();

    private static string ContentHash(string path)
    {
        var fi = new FileInfo(path);
        if (!fi.Exists) return "missing";
        return ContentHashes.GetOrAdd((path, fi.Length, fi.LastWriteTimeUtc.Ticks), k =>
        {
            using var stream = File.OpenRead(k.Path);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
        });
    }
}
