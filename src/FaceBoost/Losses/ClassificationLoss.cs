using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>Cross-entropy over head logits, optionally focal: mean over samples of (1 − p_t)^γ · CE_t
/// (Lin et al.; γ = 0 is plain cross-entropy). The paper uses γ = 2 (face.evoLVe's FocalLoss applies the
/// factor to the batch-mean CE instead; per-sample is the published definition).</summary>
public sealed class ClassificationLoss
{
    public ClassificationLoss(double focalGamma = 0)
    {
        if (focalGamma < 0) throw new ArgumentException($"focal γ must be ≥ 0, got {focalGamma}");
        FocalGamma = focalGamma;
    }

    public double FocalGamma { get; }

    public Tensor Compute(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var ce = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);
        if (FocalGamma == 0) return ce.mean().MoveToOuterDisposeScope();
        var p = (-ce).exp();
        using var gamma = FocalGamma.ToScalar();
        return (p.neg().add(Scalars.One, Scalars.One).pow(gamma) * ce).mean().MoveToOuterDisposeScope();
    }
}
