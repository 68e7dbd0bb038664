namespace FaceBoost.Evaluation;

/// <summary>How images become embeddings in <see cref="EmbeddingExtractor"/>.</summary>
public sealed record ExtractionOptions
{
    public FacePreprocess Preprocess { get; init; } = FacePreprocess.Resize;
    /// <summary>Add the raw embedding of the horizontally flipped image, then L2-normalise the sum (as the paper and
    /// insightface's verification code do).</summary>
    public bool FlipSum { get; init; } = true;
    /// <summary>Images decoded and embedded per step (the embedder may split further).</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Parallel image decoders; 0 = processor count.</summary>
    public int DecodeThreads { get; init; }
}
