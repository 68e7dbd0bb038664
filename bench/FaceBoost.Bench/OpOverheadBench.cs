using System.Diagnostics;
using System.Globalization;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>TorchSharp's count of tensors created on this thread (in and outside dispose scopes): one per TorchSharp
/// call that returns a new tensor, so a count of managed→native op calls (in-place ops that return their input and
/// libtorch's own backward ops are not in it).</summary>
public static class OpCounter
{
    public static long TensorsCreated
    {
        get
        {
            var t = DisposeScopeManager.Statistics.TensorStatistics;
            return t.CreatedInScopeCount + t.CreatedOutsideScopeCount;
        }
    }
}

/// <summary>`op-overhead`: the per-op framework cost — µs per call of an add on 1-element tensors (new result, and
/// in place) and of a small conv (1×16×8×8, 16→16 3×3), against bench/pytorch/op_overhead.py; and the op calls per
/// IResNet-18 w16 @32 training step on both stacks (FaceBoost: TorchSharp tensors created per step through
/// RecognitionTrainer; PyTorch: train_bench.py --count-ops, Python-level torch calls and ATen ops). Writes
/// bench/results/op-overhead.md. Args: [repeats] [calls in thousands] [--threads N] [--capped].</summary>
public sealed class OpOverheadBench : IComparativeBench
{
    public string Name => "op-overhead";
    public string Description => "per-op call overhead µs/op (add on 1 element, small conv) and ops per step, vs op_overhead.py";

    public (int Repeats, int Steps) Defaults => (3, 100);
    public int Run(string[] args) => ComparativeBench.RunAlone(this, args);

    public void WriteReport(BenchOptions o, IReadOnlyList<Comparison> rows, string command)
    {
        var md = BenchReport.Header("Per-op overhead: FaceBoost (TorchSharp) vs PyTorch",
            command, o);
        md += BenchReport.Table(rows.Where(r => r.Unit == "µs/op"), o.Capped);
        md += $"\nµs per call, {o.Steps}k calls of each add after 1k warm-up calls, {o.Steps / 10}k of the conv; the add's " +
              "result is a new tensor (disposed at once in C#, freed by refcount in Python) or the input (in place). " +
              "Ratio = PyTorch µs ÷ FaceBoost µs (> 1: FaceBoost cheaper).\n\n";
        md += "## Op calls per training step (IResNet-18 w16 @32, batch 64, ArcFace, SGD)\n\n";
        md += "| count | per step |\n|---|---:|\n";
        foreach (var r in rows.Where(r => r.Unit != "µs/op"))
            md += $"| {r.Case} | {(r.FaceBoost ?? r.PyTorch)?.Median.ToString("F0", CultureInfo.InvariantCulture) ?? "–"} |\n";
        md += "\nHow counted. FaceBoost: TorchSharp's dispose-scope statistics (tensors created on the thread, in and out " +
              "of scopes) over the timed steps of the real RecognitionTrainer loop (forward, ArcFace, loss, gradient norm, " +
              "SGD, accuracy, the batch copy), divided by the steps; each is one managed→native call that returns a tensor; " +
              "in-place calls that return their input, and every op that libtorch's autograd runs in backward, are not in it. " +
              "PyTorch: one step of train_bench.py under torch.overrides.TorchFunctionMode (Python-level torch calls: " +
              "functions, tensor methods, in-place ops and tensor attribute reads such as .grad; the nearest analogue of the " +
              "FaceBoost count, which has no in-place calls and no attribute reads) and under " +
              "TorchDispatchMode (every ATen op dispatched, forward, backward and optimiser, after decomposition into " +
              "ATen ops).\n";
        BenchReport.Write("op-overhead.md", md);
    }

    public IReadOnlyList<Comparison> Compare(BenchOptions o)
    {
        TorchRuntime.Initialize(o.Threads);
        var calls = o.Steps * 1000;
        Console.WriteLine($"op-overhead: {calls} calls");
        var s = Interleaved.Run(o, () => Measure(calls),
            capped => PyTwin.Run("op_overhead.py", capped, Str(calls), Str(o.Threads)));
        var rows = new List<Comparison>
        {
            Row("add, 1-element tensors, new result", "add_us", s),
            Row("add_, 1-element tensors, in place", "add_inplace_us", s),
            Row("conv2d 1×16×8×8, 16→16 3×3 (forward)", "conv_us", s),
        };
        Console.WriteLine("op-overhead: op calls per IResNet-18 w16 @32 training step");
        var (_, tensors) = TrainBench.MeasureWithCounts(TrainBench.Resnet18, o.Threads, 2);
        rows.Add(new Comparison("op-overhead", "FaceBoost: TorchSharp calls returning a tensor", "calls/step", false, Stat.Of([tensors]), null));
        var py = PyTwin.Run("train_bench.py", false, "--layers", "18", "--input-size", "32", "--width", "16", "--batch", "64",
            "--emb", "64", "--classes", "1000", "--threads", Str(o.Threads), "--steps", "1", "--count-ops");
        if (py is not null)
        {
            if (py.TryGetValue("torch_calls_per_step", out var tc))
                rows.Add(new Comparison("op-overhead", "PyTorch: Python-level torch calls", "calls/step", false, null, Stat.Of([tc])));
            if (py.TryGetValue("aten_ops_per_step", out var ac))
                rows.Add(new Comparison("op-overhead", "PyTorch: ATen ops dispatched (fwd + bwd + optimiser)", "ops/step", false, null, Stat.Of([ac])));
        }
        return rows;
    }

    private static Comparison Row(string label, string key, Interleaved.Samples s) =>
        new("op-overhead", label, "µs/op", false, s.Ours(key), s.Theirs(key), s.Capped(key));

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, double> Measure(int calls)
    {
        using var a = ones(1);
        using var b = ones(1);
        using var x = randn(1, 16, 8, 8);
        using var w = randn(16, 16, 3, 3);
        long[] pad = [1, 1];
        double Timed(int n, Action<int> f)
        {
            f(1000);
            var sw = Stopwatch.StartNew();
            f(n);
            return sw.Elapsed.TotalSeconds / n * 1e6;
        }
        return new()
        {
            ["add_us"] = Timed(calls, n => { for (var i = 0; i < n; i++) a.add(b, Scalars.One).Dispose(); }),
            ["add_inplace_us"] = Timed(calls, n => { for (var i = 0; i < n; i++) a.add_(b, Scalars.One); }),
            ["conv_us"] = Timed(calls / 10, n => { for (var i = 0; i < n; i++) nn.functional.conv2d(x, w, padding: pad).Dispose(); }),
        };
    }
}
