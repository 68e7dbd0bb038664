using System.Globalization;
using FaceBoost.Runtime;

namespace FaceBoost.Bench;

/// <summary>`all`: every comparative bench in one run — `conv` first (each stack's peak for the % of peak), then the
/// others by name; writes each one's bench/results file and bench/results/summary.md (one table of ratios).
/// Args: [repeats] [steps] [--threads N] [--capped], passed to every bench (op-overhead takes steps × 10 thousand
/// calls).</summary>
public sealed class AllBench : IBenchmark
{
    public string Name => "all";
    public string Description => "conv, then every comparative bench; writes each results file and summary.md";

    public int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, repeats: 3, steps: 4);
        TorchRuntime.Initialize(o.Threads);
        var command = ComparativeBench.Command(Name, o);
        var benches = typeof(AllBench).Assembly.GetTypes()
            .Where(t => typeof(IComparativeBench).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IComparativeBench)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name == "conv" ? 0 : 1).ThenBy(b => b.Name, StringComparer.Ordinal).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = new List<Comparison>();
        foreach (var b in benches)
        {
            var bo = b.Name == "op-overhead" ? o with { Steps = 10 * o.Steps } : o;
            var r = b.Compare(bo);
            b.WriteReport(bo, r, command);
            rows.AddRange(r);
        }
        var md = BenchReport.Header("Summary: FaceBoost (TorchSharp) vs PyTorch as its users run it", command, o);
        md += BenchReport.Summary(rows);
        md += $"\nBenches in order: {string.Join(", ", benches.Select(b => b.Name))}; each wrote its own file in bench/results " +
              "with the details. % of conv peak = img/s × training FLOPs per image (forward × 3, from the twin's layer shapes) " +
              "÷ the same stack's GFLOP/s in `conv` of this run. Ratio = FaceBoost speed ÷ PyTorch speed (for µs/op: PyTorch " +
              $"µs ÷ FaceBoost µs). Wall time {clock.Elapsed.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture)} min.\n" +
              "\nNot in this run (no PyTorch side; run on their own): `rss` (memory flat over 500 training steps, rss.md), " +
              "`metrics` (verification figures over 6,000 pairs in < 1 s, metrics.md), `loader headroom` (loader ÷ train step, loader.md).\n";
        BenchReport.Write("summary.md", md);
        Console.WriteLine();
        Console.WriteLine(md);
        return 0;
    }
}
