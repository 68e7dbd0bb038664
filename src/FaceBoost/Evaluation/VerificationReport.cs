namespace FaceBoost.Evaluation;

/// <summary>Outcome of a verification evaluation: metrics over all pairs, per group (when pairs carry
/// groups) with the RFW-style Avg/Std/SER summary, and what was left out and why.</summary>
public sealed record VerificationReport
{
    public required string Model { get; init; }
    public required int TotalPairs { get; init; }
    public required VerificationMetrics Overall { get; init; }
    public IReadOnlyList<GroupResult> Groups { get; init; } = [];
    /// <summary>Present when there are at least two groups.</summary>
    public GroupSummary? GroupSummary { get; init; }
    public IReadOnlyList<ExcludedPair> Excluded { get; init; } = [];
    /// <summary>Image path → reason it could not be embedded.</summary>
    public IReadOnlyDictionary<string, string> FailedImages { get; init; } = new Dictionary<string, string>();
    public int ImagesEmbedded { get; init; }
    public double EmbedSeconds { get; init; }
    public double TotalSeconds { get; init; }
    public MetricsOptions Protocol { get; init; } = new();
    public ExtractionOptions Extraction { get; init; } = new();
    /// <summary>Cosine score of each input pair (NaN = excluded), in input order.</summary>
    public IReadOnlyList<double> Scores { get; init; } = [];
    /// <summary>Overall fold of each input pair (−1 = excluded).</summary>
    public IReadOnlyList<int> PairFolds { get; init; } = [];
    /// <summary>Fold of each input pair within its group's own figures (−1 = no group figures).</summary>
    public IReadOnlyList<int> PairGroupFolds { get; init; } = [];
    /// <summary>The pairs scored, in input order.</summary>
    public IReadOnlyList<Data.VerificationPair> Pairs { get; init; } = [];
    /// <summary>Normalised embedding of every image embedded (flip-summed when so configured); empty when not kept.</summary>
    public IReadOnlyDictionary<string, float[]> Embeddings { get; init; } = new Dictionary<string, float[]>();

    /// <summary>Test folds with a single class (overall and per group).</summary>
    public bool HasSingleClassFolds => Overall.SingleClassFolds.Length > 0 || Groups.Any(g => g.Metrics.SingleClassFolds.Length > 0);

    /// <summary>Things that make a figure less meaningful than it looks.</summary>
    public IReadOnlyList<string> Warnings =>
    [
        .. new[] { ("all pairs", Overall) }.Concat(Groups.Select(g => (g.Name, g.Metrics)))
            .Where(x => x.Item2.SingleClassFolds.Length > 0)
            .Select(x => $"{x.Item1}: test fold(s) {string.Join(",", x.Item2.SingleClassFolds)} of {x.Item2.KFold.FoldAccuracies.Length} hold only one class "
                        + "(genuine or impostor pairs only), so the k-fold accuracy is not a verification accuracy; use --fold-scheme stratified for lists sorted by label"),
    ];
}
