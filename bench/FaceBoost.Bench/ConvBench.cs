using System.Diagnostics;
using System.Globalization;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`conv`: the compute limit measured in the run — GFLOP/s of one 3×3 conv 64→64 at 56 px, batch 32, forward
/// + backward (input and weight gradients), FaceBoost's default kernels and layout (NHWC) against PyTorch (NCHW, as its users run it) (bench/pytorch/conv_peak.py),
/// interleaved. Sets <see cref="BenchReport.PeakFaceBoost"/>/<see cref="BenchReport.PeakPyTorch"/> for the training
/// benches' % of peak. Writes bench/results/conv.md. Args: [repeats] [steps] [--threads N] [--capped].</summary>
public sealed class ConvBench : IComparativeBench
{
    public string Name => "conv";
    public string Description => "3×3 conv 64→64 @56 px batch 32 fwd+bwd GFLOP/s (the peak), vs conv_peak.py";

    private const int N = 32, C = 64, S = 56;

    /// <summary>Forward (2 × MACs) plus input and weight gradients (each as much again).</summary>
    public const double FlopsPerPass = 3 * 2.0 * N * C * S * S * C * 9;

    public (int Repeats, int Steps) Defaults => (3, 5);
    public int Run(string[] args) => ComparativeBench.RunAlone(this, args);

    public void WriteReport(BenchOptions o, IReadOnlyList<Comparison> rows, string command)
    {
        var md = BenchReport.Header("Compute limit: 3×3 conv forward+backward GFLOP/s, FaceBoost (TorchSharp) vs PyTorch",
            command, o);
        md += BenchReport.Table(rows, o.Capped);
        md += $"\nOne conv2d 64→64, 3×3, stride 1, padding 1, no bias, input {N}×{C}×{S}×{S}; each pass = forward + input " +
              $"gradient + weight gradient (autograd.grad with a fixed output gradient) = {FlopsPerPass / 1e9:F2} GFLOP. " +
              $"1 warm-up pass, then {o.Steps} timed passes per repeat. This is each stack's peak for the `% of conv peak` " +
              "column of the training benches in the same `all` run. FaceBoost runs it in the layout its trainers use (NHWC, " +
              "channels_last, unless FACEBOOST_CHANNELS_LAST=0), PyTorch in NCHW, its default.\n";
        BenchReport.Write("conv.md", md);
    }

    public IReadOnlyList<Comparison> Compare(BenchOptions o)
    {
        TorchRuntime.Initialize(o.Threads);
        Console.WriteLine("conv: 3×3 64→64 @56 batch 32 fwd+bwd");
        var s = Interleaved.Run(o, () => new() { ["gflops"] = Measure(o.Steps) },
            capped => PyTwin.Run("conv_peak.py", capped, Str(o.Steps), Str(o.Threads)));
        var row = new Comparison("conv", "3×3 conv 64→64 @56, batch 32, fwd+bwd", "GFLOP/s", true,
            s.Ours("gflops"), s.Theirs("gflops"), s.Capped("gflops"));
        BenchReport.PeakFaceBoost = row.FaceBoost?.Median;
        BenchReport.PeakPyTorch = row.PyTorch?.Median;
        return [row];
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>GFLOP/s of <paramref name="steps"/> timed forward+backward passes after one warm-up pass.</summary>
    internal static double Measure(int steps)
    {
        manual_seed(0);
        // The layout FaceBoost's trainers run their convs in (channels_last unless FACEBOOST_CHANNELS_LAST=0).
        Tensor Layout(Tensor t) => ChannelsLast.Enabled ? ChannelsLast.Of(t) : t.alias();
        using var x0 = randn(N, C, S, S);
        using var x = Layout(x0).requires_grad_();
        using var w0 = randn(C, C, 3, 3);
        using var scale = 0.05.ToScalar();
        using var w1 = w0.mul(scale);
        using var w = Layout(w1).requires_grad_();
        using var g0 = randn(N, C, S, S);
        using var g = Layout(g0);
        void Pass()
        {
            using var scope = NewDisposeScope();
            var y = nn.functional.conv2d(x, w, padding: [1, 1]);
            torch.autograd.grad([y], [x, w], [g]);
        }
        Pass();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) Pass();
        return FlopsPerPass * steps / sw.Elapsed.TotalSeconds / 1e9;
    }
}
