using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>Multi-scale SSIM (Wang, Simoncelli &amp; Bovik 2003) in TorchSharp: the weight-free perceptual
/// term used when no LPIPS weights are supplied. Inputs are images in [-1, 1]; the score is in [0, 1]
/// (1 = identical). Small images use fewer scales (each scale at least 8 px) with the standard weights
/// renormalised, and a Gaussian window no larger than the scale.</summary>
public static class MsSsim
{
    private static readonly double[] StandardWeights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
    private static readonly Scalar C1 = (0.01 * 0.01).ToScalar(), C2 = (0.03 * 0.03).ToScalar();
    private static readonly Scalar Floor = 1e-6.ToScalar();

    /// <summary>Number of scales used for a given image side.</summary>
    public static int Levels(long minSide) =>
        (int)Math.Clamp(1 + Math.Floor(Math.Log2(Math.Max(minSide, 1) / 8.0)), 1, 5);

    /// <summary>Per-image MS-SSIM, shape N.</summary>
    public static Tensor PerImage(Tensor x, Tensor y)
    {
        ShapeGuard.SameImages(x, y, "MS-SSIM");
        using var scope = NewDisposeScope();
        using var k = new KeptScalars();
        var a = x.add(Scalars.One, Scalars.One).div(Scalars.Two);
        var b = y.add(Scalars.One, Scalars.One).div(Scalars.Two);
        var levels = Levels(Math.Min(x.shape[2], x.shape[3]));
        var weights = StandardWeights.Take(levels).ToArray();
        var total = weights.Sum();
        Tensor? score = null;
        for (var level = 0; level < levels; level++)
        {
            var (ssim, cs) = SsimAndContrast(a, b);
            var term = (level == levels - 1 ? ssim : cs).clamp_min(Floor).pow(k[weights[level] / total]);
            score = score is null ? term : score * term;
            if (level < levels - 1)
            {
                a = nn.functional.avg_pool2d(a, 2);
                b = nn.functional.avg_pool2d(b, 2);
            }
        }
        // Mean over channels: one number per image.
        return score!.mean(new long[] { 1 }).MoveToOuterDisposeScope();
    }

    /// <summary>Batch mean of 1 − MS-SSIM: the loss to minimise.</summary>
    public static Tensor Loss(Tensor reconstruction, Tensor target)
    {
        using var scope = NewDisposeScope();
        return PerImage(reconstruction, target).mean().neg().add(Scalars.One, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel mean SSIM and contrast-structure terms at one scale (N×C each).</summary>
    private static (Tensor ssim, Tensor cs) SsimAndContrast(Tensor a, Tensor b)
    {
        var side = (int)Math.Min(a.shape[2], a.shape[3]);
        var size = Math.Min(11, side % 2 == 1 ? side : side - 1);
        var channels = a.shape[1];
        var g = Gaussian(size, 1.5, a.dtype, a.device);
        Tensor Blur(Tensor t)
        {
            // Separable Gaussian, valid padding, one group per channel.
            var h = nn.functional.conv2d(t, g.reshape(1, 1, 1, size).expand(channels, 1, 1, size), groups: channels);
            return nn.functional.conv2d(h, g.reshape(1, 1, size, 1).expand(channels, 1, size, 1), groups: channels);
        }
        var muA = Blur(a);
        var muB = Blur(b);
        var varA = Blur(a * a) - muA * muA;
        var varB = Blur(b * b) - muB * muB;
        var cov = Blur(a * b) - muA * muB;
        var csMap = cov.mul(Scalars.Two).add(C2, Scalars.One) / varA.add(varB, Scalars.One).add(C2, Scalars.One);
        var ssimMap = muA.mul(Scalars.Two).mul(muB).add(C1, Scalars.One) / (muA * muA).add(muB * muB, Scalars.One).add(C1, Scalars.One) * csMap;
        return (ssimMap.mean(new long[] { 2, 3 }), csMap.mean(new long[] { 2, 3 }));
    }

    private static Tensor Gaussian(int size, double sigma, ScalarType dtype, Device device)
    {
        using var k = new KeptScalars();
        var coords = arange(Scalars.Zero, k.Int(size), Scalars.One, dtype: dtype, device: device).sub(k[(size - 1) / 2.0]);
        var g = (coords * coords).neg().div(k[2 * sigma * sigma]).exp();
        return g / g.sum();
    }
}
