using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>Weights of the encoder's reconstruction objective (paper: L2 1, LPIPS 0.8, w-norm 0; no identity term).</summary>
public sealed record ReconstructionWeights(double L2 = 1.0, double Perceptual = 0.8, double WNorm = 0.0);

/// <summary>The terms of one step, detached to doubles for logging.</summary>
public sealed record ReconstructionTerms(double L2, double Perceptual, double WNorm, double Total);

/// <summary>pSp's reconstruction objective: weighted pixel L2 + perceptual (LPIPS when weights are given,
/// else 1 − MS-SSIM) + w-norm. Deliberately no identity loss: no recognition network sees the data.</summary>
public sealed class ReconstructionLoss : IDisposable
{
    private readonly LpipsAlex? _lpips;

    public ReconstructionWeights Weights { get; }

    /// <summary>"lpips-alex" or "ms-ssim".</summary>
    public string PerceptualKind => _lpips is null ? "ms-ssim" : "lpips-alex";

    public ReconstructionLoss(ReconstructionWeights weights, LpipsAlex? lpips = null)
    {
        if (weights.L2 < 0 || weights.Perceptual < 0 || weights.WNorm < 0) throw new ArgumentException($"loss weights must be non-negative: {weights}");
        Weights = weights;
        _lpips = lpips;
    }

    public Tensor Perceptual(Tensor reconstruction, Tensor target)
    {
        if (_lpips is null) return MsSsim.Loss(reconstruction, target);
        _lpips.to(reconstruction.device);
        return _lpips.forward(reconstruction, target).mean();
    }

    /// <summary>Returns the total (graph attached, for backward) and its detached terms.</summary>
    public (Tensor total, ReconstructionTerms terms) Compute(Tensor reconstruction, Tensor target, Tensor ws, Tensor meanW)
    {
        using var k = new KeptScalars();
        var l2 = PixelL2Loss.Compute(reconstruction, target);
        var total = l2.mul(k[Weights.L2]);
        double perceptualValue = 0, wnormValue = 0;
        if (Weights.Perceptual > 0)
        {
            var p = Perceptual(reconstruction, target);
            total = total.add(p.mul(k[Weights.Perceptual]), Scalars.One);
            perceptualValue = p.item<float>();
        }
        if (Weights.WNorm > 0)
        {
            var w = WNormLoss.Compute(ws, meanW);
            total = total.add(w.mul(k[Weights.WNorm]), Scalars.One);
            wnormValue = w.item<float>();
        }
        return (total, new ReconstructionTerms(l2.item<float>(), perceptualValue, wnormValue, total.item<float>()));
    }

    public void Dispose() => _lpips?.Dispose();
}
