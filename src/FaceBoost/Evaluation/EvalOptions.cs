namespace FaceBoost.Evaluation;

/// <summary>Everything <see cref="VerificationEvaluator"/> needs besides the model and the pairs.</summary>
public sealed record EvalOptions
{
    public ExtractionOptions Extraction { get; init; } = new();
    public MetricsOptions Metrics { get; init; } = new();
    /// <summary>Relative pair paths are resolved against this folder (e.g. LFW's image root).</summary>
    public string? ImageRoot { get; init; }
    /// <summary>Shown in the report (e.g. the model path); defaults to the embedder's ToString().</summary>
    public string? ModelName { get; init; }
    public IProgress<EvalProgress>? Progress { get; init; }
    /// <summary>Keep every image's embedding in the report (for embeddings.npy); off for big sets.</summary>
    public bool KeepEmbeddings { get; init; } = true;
}
