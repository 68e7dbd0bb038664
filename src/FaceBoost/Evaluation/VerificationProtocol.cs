namespace FaceBoost.Evaluation;

/// <summary>Which algorithm turns scores into the k-fold accuracy and TAR@FAR figures.</summary>
public enum VerificationProtocol
{
    /// <summary>insightface's <c>recognition/arcface_torch/eval/verification.py</c>, what papers report: thresholds on
    /// the grid 0, 0.01, …, 3.99 of squared L2 distance between normalised embeddings (d = 2 − 2·cosine), the first
    /// (smallest-distance, i.e. highest-similarity) best grid threshold on ties, and TAR@FAR from <c>calculate_val</c>
    /// (10-fold, threshold interpolated on the training folds, mean ± std). See <see cref="InsightfaceProtocol"/>.</summary>
    Insightface,
    /// <summary>Exact optimum between distinct scores (lowest cut on ties) and one pooled TAR@FAR threshold at the
    /// impostor quantile (see <see cref="ThresholdSearch"/> and <see cref="TarAtFar"/>).</summary>
    Exact,
}
