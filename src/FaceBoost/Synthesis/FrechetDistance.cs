using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>Fréchet distance between Gaussians fitted to two feature sets:
/// ‖μ₁−μ₂‖² + tr(Σ₁ + Σ₂ − 2·(√Σ₁ Σ₂ √Σ₁)^½), all in float64 through symmetric eigen-decompositions.</summary>
public static class FrechetDistance
{
    public sealed record Statistics(double[] Mean, double[,] Covariance, int Count);

    /// <summary>Mean and (unbiased) covariance of N×D features.</summary>
    public static Statistics Fit(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2) throw new ArgumentException($"need N×D features with N ≥ 2, got {string.Join('×', features.shape)}");
        using var scope = NewDisposeScope();
        var f = features.detach().to(ScalarType.Float64).cpu();
        var mu = f.mean([0]);
        var c = f - mu;
        using var count = (f.shape[0] - 1).ToScalar();
        var cov = c.t().matmul(c).div(count);
        var d = (int)f.shape[1];
        var covArr = new double[d, d];
        var flat = cov.data<double>().ToArray();
        Buffer.BlockCopy(flat, 0, covArr, 0, flat.Length * sizeof(double));
        return new Statistics(mu.data<double>().ToArray(), covArr, (int)f.shape[0]);
    }

    public static double Compute(Tensor featuresA, Tensor featuresB) => Compute(Fit(featuresA), Fit(featuresB));

    public static double Compute(Statistics a, Statistics b)
    {
        if (a.Mean.Length != b.Mean.Length) throw new ArgumentException($"feature dims differ: {a.Mean.Length} vs {b.Mean.Length}");
        using var scope = NewDisposeScope();
        var mu1 = tensor(a.Mean); var mu2 = tensor(b.Mean);
        var s1 = Sym(a.Covariance); var s2 = Sym(b.Covariance);
        var sqrt1 = SqrtPsd(s1);
        var m = sqrt1.matmul(s2).matmul(sqrt1);
        m = m.add(m.t(), Scalars.One).div(Scalars.Two);
        var (ev, _) = linalg.eigh(m);
        var trSqrt = Scalars.ToDouble(ev.clamp_min(Scalars.Zero).sqrt().sum());
        var diff = Scalars.ToDouble((mu1 - mu2).pow(Scalars.Two).sum());
        return diff + Scalars.ToDouble(s1.trace()) + Scalars.ToDouble(s2.trace()) - 2 * trSqrt;
    }

    private static Tensor Sym(double[,] c)
    {
        var t = tensor(c);
        return t.add(t.t(), Scalars.One).div(Scalars.Two);
    }

    private static Tensor SqrtPsd(Tensor s)
    {
        var (ev, v) = linalg.eigh(s);
        return v.matmul(diag(ev.clamp_min(Scalars.Zero).sqrt())).matmul(v.t());
    }
}
