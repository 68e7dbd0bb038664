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
}
