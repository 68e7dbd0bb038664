using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Tests.Synthesis;

/// <summary>R1 and path-length terms (and their double-backprop gradients) against central finite differences,
/// on tiny networks in float64.</summary>
public sealed class RegularizerGradientTests
{
    private const double Eps = 1e-6;

    [Fact]
    public void R1PenaltyMatchesFiniteDifferences()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var d = new StyleDiscriminator(new DiscriminatorOptions(8, ChannelBase: 32, ChannelMax: 4));
        d.to(ScalarType.Float64);
        var x = randn(new long[] { 2, 3, 8, 8 }, dtype: ScalarType.Float64);

        var (penalty, _) = StyleGanLoss.R1Penalty(d, x);

        // ‖∇ₓ Σ D(x)‖² per sample from finite differences over every pixel.
        double Sum(Tensor t) { using var _ = no_grad(); return d.forward(t).sum().ToDouble(); }
        var flat = x.flatten().data<double>().ToArray();
        var fdSq = new double[2];
        var per = flat.Length / 2;
        for (var i = 0; i < flat.Length; i++)
        {
            var plus = (double[])flat.Clone(); plus[i] += Eps;
            var minus = (double[])flat.Clone(); minus[i] -= Eps;
            var g = (Sum(tensor(plus).reshape(x.shape)) - Sum(tensor(minus).reshape(x.shape))) / (2 * Eps);
            fdSq[i / per] += g * g;
        }
        var auto = penalty.data<double>().ToArray();
        for (var n = 0; n < 2; n++) Assert.Equal(fdSq[n], auto[n], fdSq[n] * 1e-5 + 1e-9);

        // Double backprop: d(Σ penalty)/dθ for a conv weight element vs finite differences of the penalty.
        var w = d.named_parameters().First(p => p.name == "b8.conv0.weight").parameter;
        penalty.sum().backward();
        var autoGrad = w.grad!.flatten()[7].ToDouble();
        double PenaltyAt(double delta)
        {
            using (no_grad()) w.flatten()[7].add_(delta);
            var (p, _) = StyleGanLoss.R1Penalty(d, x);
            var v = p.sum().ToDouble();
            using (no_grad()) w.flatten()[7].sub_(delta);
            return v;
        }
        var fd = (PenaltyAt(Eps) - PenaltyAt(-Eps)) / (2 * Eps);
        Assert.True(Math.Abs(fd) > 1e-6, "chosen weight must matter");
        Assert.Equal(fd, autoGrad, Math.Abs(fd) * 1e-4 + 1e-8);
    }

    [Fact]
    public void PathLengthsMatchFiniteDifferences()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(6);
        var g = new StyleGenerator(GanTestNets.Tiny(8));
        g.to(ScalarType.Float64);
        var ws = randn(new long[] { 2, g.NumWs, g.WDim }, dtype: ScalarType.Float64).requires_grad_(true);
        var y = randn(new long[] { 2, 3, 8, 8 }, dtype: ScalarType.Float64) / 8;

        var lengths = StyleGanLoss.PathLengths(g, ws, NoiseMode.Const, y);

        double S(double[] v) { using var _ = no_grad(); return (g.Synthesis(tensor(v).reshape(ws.shape), NoiseMode.Const) * y).sum().ToDouble(); }
        var flat = ws.detach().flatten().data<double>().ToArray();
        var sq = new double[2];
        var per = flat.Length / 2;
        for (var i = 0; i < flat.Length; i++)
        {
            var plus = (double[])flat.Clone(); plus[i] += Eps;
            var minus = (double[])flat.Clone(); minus[i] -= Eps;
            var gr = (S(plus) - S(minus)) / (2 * Eps);
            sq[i / per] += gr * gr;
        }
        var auto = lengths.data<double>().ToArray();
        for (var n = 0; n < 2; n++)
        {
            var expected = Math.Sqrt(sq[n] / g.NumWs);   // sum over WDim, mean over ws, sqrt
            Assert.Equal(expected, auto[n], expected * 1e-5 + 1e-9);
        }

        // Double backprop of the penalty (‖Jᵀy‖ − a)² into a synthesis weight.
        const double plMean = 0.1;
        var w = g.named_parameters().First(p => p.name == "synthesis.b8.conv1.weight").parameter;
        StyleGanLoss.PathLengthPenalty(lengths, plMean).sum().backward();
        var autoGrad = w.grad!.flatten()[3].ToDouble();
        double PenaltyAt(double delta)
        {
            using (no_grad()) w.flatten()[3].add_(delta);
            var l = StyleGanLoss.PathLengths(g, ws, NoiseMode.Const, y);
            var v = StyleGanLoss.PathLengthPenalty(l, plMean).sum().ToDouble();
            using (no_grad()) w.flatten()[3].sub_(delta);
            return v;
        }
        var fd = (PenaltyAt(Eps) - PenaltyAt(-Eps)) / (2 * Eps);
        Assert.True(Math.Abs(fd) > 1e-7, "chosen weight must matter");
        Assert.Equal(fd, autoGrad, Math.Abs(fd) * 1e-4 + 1e-9);
    }
}
