using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Runtime;

namespace FaceBoost.Bench;

/// <summary>Median and spread (min–max) of repeated measurements.</summary>
public sealed record Stat(double Median, double Min, double Max, int Count)
{
    public static Stat? Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return null;
        var s = values.Order().ToArray();
        var median = s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        return new Stat(median, s[0], s[^1], s.Length);
    }

    /// <summary>Median (min–max) with decimals by magnitude: 3 below 1, 2 below 10 (and for µs/op), else 1.</summary>
    public string Format() => Format(Median < 1 ? "F3" : Median < 10 ? "F2" : "F1");

    public string Format(string f) =>
        $"{Median.ToString(f, CultureInfo.InvariantCulture)} ({Min.ToString(f, CultureInfo.InvariantCulture)}–{Max.ToString(f, CultureInfo.InvariantCulture)})";
}

/// <summary>One measured quantity on both stacks. <see cref="HigherIsBetter"/> true for throughput (img/s, GFLOP/s),
/// false for times (µs/op); <see cref="Ratio"/> is always FaceBoost speed ÷ PyTorch speed (&gt; 1: FaceBoost faster).
/// <see cref="TrainFlopsPerImage"/> (forward × 3, from the twin's layer shapes) turns img/s into % of the conv peak.</summary>
public sealed record Comparison(string Bench, string Case, string Unit, bool HigherIsBetter, Stat? FaceBoost, Stat? PyTorch,
    Stat? PyTorchCapped = null, double? TrainFlopsPerImage = null)
{
    public double? Ratio => RatioTo(PyTorch);
    public double? CappedRatio => RatioTo(PyTorchCapped);

    private double? RatioTo(Stat? other) =>
        FaceBoost is null || other is null || other.Median <= 0 || FaceBoost.Median <= 0 ? null
        : HigherIsBetter ? FaceBoost.Median / other.Median : other.Median / FaceBoost.Median;
}

/// <summary>Options shared by every comparative bench: `[repeats] [steps] [--threads N] [--capped]`.</summary>
public sealed record BenchOptions(int Repeats, int Steps, int Threads, bool Capped)
{
    public static BenchOptions Parse(string[] args, int repeats, int steps)
    {
        var threads = 2;
        var capped = false;
        var positional = new List<int>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--capped") capped = true;
            else if (args[i] == "--threads" && i + 1 < args.Length) threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) positional.Add(n);
            else throw new ArgumentException($"unknown bench argument '{args[i]}' (expected [repeats] [steps] [--threads N] [--capped])");
        }
        return new BenchOptions(positional.Count > 0 ? positional[0] : repeats, positional.Count > 1 ? positional[1] : steps, threads, capped);
    }

    public string[] ToArgs() =>
        [Repeats.ToString(CultureInfo.InvariantCulture), Steps.ToString(CultureInfo.InvariantCulture), "--threads",
         Threads.ToString(CultureInfo.InvariantCulture), .. Capped ? new[] { "--capped" } : []];
}

/// <summary>A PyTorch twin in bench/pytorch, run with /usr/bin/python3 (Debian's python3-torch) as a user runs it: no
/// environment changes (the optional capped run sets ONEDNN_MAX_CPU_ISA=SSE41). A twin prints its backend line first
/// (bench_env.describe) and one `RESULT key value` line per metric.</summary>
public static class PyTwin
{
    private const string Python = "/usr/bin/python3";
    public static string? Backend { get; private set; }
    public static string? CappedBackend { get; private set; }

    public static Dictionary<string, double>? Run(string script, bool capped, params string[] args) =>
        RunWithOutput(script, capped, args)?.Results;

    /// <summary>As <see cref="Run"/>, also returning every stdout line (for twins that print more than RESULT lines).</summary>
    public static (Dictionary<string, double> Results, string[] Lines)? RunWithOutput(string script, bool capped, params string[] args)
    {
        var path = Path.Combine(BenchPaths.Root, "pytorch", script);
        if (!File.Exists(Python) || !File.Exists(path)) return null;
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (capped) psi.Environment["ONEDNN_MAX_CPU_ISA"] = "SSE41";
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"{script} failed ({p.ExitCode}): {stderrTask.Result.Trim().Split('\n')[^1]}");
            return null;
        }
        var results = new Dictionary<string, double>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("PyTorch ", StringComparison.Ordinal))
            {
                if (capped) CappedBackend = line;
                else Backend = line;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[0] == "RESULT")
                results[parts[1]] = double.Parse(parts[2], CultureInfo.InvariantCulture);
        }
        return (results, stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}

/// <summary>Runs the two sides interleaved (FaceBoost, PyTorch default, [PyTorch capped]) for a number of repeats, so
/// load changes hit both; each side returns its metrics by key.</summary>
public static class Interleaved
{
    public sealed record Samples(Dictionary<string, List<double>> FaceBoost, Dictionary<string, List<double>> PyTorch,
        Dictionary<string, List<double>> PyTorchCapped)
    {
        public Stat? Ours(string key) => FaceBoost.TryGetValue(key, out var v) ? Stat.Of(v) : null;
        public Stat? Theirs(string key) => PyTorch.TryGetValue(key, out var v) ? Stat.Of(v) : null;
        public Stat? Capped(string key) => PyTorchCapped.TryGetValue(key, out var v) ? Stat.Of(v) : null;
        public double? Single(string key) => PyTorch.TryGetValue(key, out var v) && v.Count > 0 ? v[0] : null;
    }

    public static Samples Run(BenchOptions o, Func<Dictionary<string, double>> faceboost,
        Func<bool, Dictionary<string, double>?> pytorch)
    {
        var s = new Samples([], [], []);
        for (var r = 0; r < o.Repeats; r++)
        {
            Add(s.FaceBoost, faceboost());
            if (pytorch(false) is { } py) Add(s.PyTorch, py);
            if (o.Capped && pytorch(true) is { } pc) Add(s.PyTorchCapped, pc);
            Console.WriteLine($"  repeat {r + 1}/{o.Repeats} done");
        }
        return s;
    }

    private static void Add(Dictionary<string, List<double>> into, Dictionary<string, double> values)
    {
        foreach (var (k, v) in values)
        {
            if (!into.TryGetValue(k, out var list)) into[k] = list = [];
            list.Add(v);
        }
    }
}

/// <summary>Writes a bench's results as Markdown: machine, load, both stacks' backends, the command, the table.</summary>
public static class BenchReport
{
    private static readonly double LoadAtStart = LoadAverage();

    /// <summary>Peak GFLOP/s per stack from the conv bench of this run, when it ran first (`all`).</summary>
    public static double? PeakFaceBoost { get; set; }
    public static double? PeakPyTorch { get; set; }

    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (IOException) { return double.NaN; }
        catch (FormatException) { return double.NaN; }
    }

    /// <param name="protocol">Replaces the default "N repeats, sides interleaved" line, for benches that measure
    /// otherwise.</param>
    /// <summary>When, where, and whether anything else ran: the bench's own threads lift the current load to ~its
    /// thread count, so only the load at start shows other work.</summary>
    public static string RunLine()
    {
        var load = LoadAverage();
        var loaded = LoadAtStart > 0.6;
        return $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. {BenchMachine.Describe()}. " +
               $"1-min load average {LoadAtStart.ToString("F2", CultureInfo.InvariantCulture)} at start, {load.ToString("F2", CultureInfo.InvariantCulture)} now" +
               (loaded ? " — **measured under load (not idle)**: ratios are indicative, absolute numbers are not idle figures." : " (idle).");
    }

    public static string Header(string title, string command, BenchOptions o, string? protocol = null)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {title}\n");
        md.AppendLine(RunLine());
        md.AppendLine();
        md.AppendLine($"- {BenchMachine.FaceBoostBackend()}");
        md.AppendLine($"- PyTorch default (headline): {PyTwin.Backend ?? "python3-torch absent"}");
        if (o.Capped) md.AppendLine($"- PyTorch capped (extra column): {PyTwin.CappedBackend ?? "–"}");
        if (protocol is not null) md.AppendLine($"- {protocol}\n");
        else md.AppendLine($"- {o.Repeats} repeats, sides interleaved (FaceBoost, PyTorch default{(o.Capped ? ", PyTorch capped" : "")}) in each; " +
                      $"cells are median (min–max); ratio = FaceBoost speed ÷ PyTorch speed (> 1: FaceBoost faster).\n");
        md.AppendLine($"`{command}`\n");
        return md.ToString();
    }

    public static string Table(IEnumerable<Comparison> rows, bool capped)
    {
        var md = new StringBuilder();
        md.Append("| case | unit | FaceBoost | PyTorch default | ratio vs default |");
        if (capped) md.Append(" PyTorch capped (SSE4.1) | ratio vs capped |");
        md.AppendLine(" FaceBoost % of conv peak | PyTorch % of conv peak |");
        md.Append("|---|---|---:|---:|---:|");
        if (capped) md.Append("---:|---:|");
        md.AppendLine("---:|---:|");
        foreach (var r in rows)
        {
            md.Append($"| {r.Case} | {r.Unit} | {r.FaceBoost?.Format() ?? "–"} | {r.PyTorch?.Format() ?? "–"} | {Fmt(r.Ratio)} |");
            if (capped) md.Append($" {r.PyTorchCapped?.Format() ?? "–"} | {Fmt(r.CappedRatio)} |");
            md.AppendLine($" {Percent(r.FaceBoost, r.TrainFlopsPerImage, PeakFaceBoost)} | {Percent(r.PyTorch, r.TrainFlopsPerImage, PeakPyTorch)} |");
        }
        return md.ToString();
    }

    /// <summary>img/s × training FLOPs per image ÷ the same stack's conv peak.</summary>
    private static string Percent(Stat? ips, double? flops, double? peakGflops) =>
        ips is null || flops is null || peakGflops is null or <= 0 ? "–"
        : (100 * ips.Median * flops.Value / 1e9 / peakGflops.Value).ToString("F0", CultureInfo.InvariantCulture) + " %";

    /// <summary>The `all` summary: one row per case of every bench, FaceBoost % of its peak / PyTorch % of its peak.</summary>
    public static string Summary(IEnumerable<Comparison> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("| bench | case | unit | FaceBoost | PyTorch default | ratio | % of conv peak (FaceBoost / PyTorch) |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var peak = r.TrainFlopsPerImage is null ? "–"
                : $"{Percent(r.FaceBoost, r.TrainFlopsPerImage, PeakFaceBoost)} / {Percent(r.PyTorch, r.TrainFlopsPerImage, PeakPyTorch)}";
            md.AppendLine($"| {r.Bench} | {r.Case} | {r.Unit} | {r.FaceBoost?.Format() ?? "–"} | {r.PyTorch?.Format() ?? "–"} | " +
                          $"{Fmt(r.Ratio)} | {peak} |");
        }
        return md.ToString();
    }

    public static string Fmt(double? ratio) => ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "–";

    public static void Write(string file, string markdown)
    {
        var path = Path.Combine(BenchPaths.Results, file);
        AtomicFile.WriteAllText(path, markdown);
        Console.WriteLine($"wrote {path}");
    }
}

/// <summary>A bench that compares the two stacks and returns its rows (so `all` can summarise them), and writes its
/// bench/results file from them. Running it alone is <see cref="ComparativeBench.RunAlone"/>.</summary>
public interface IComparativeBench : IBenchmark
{
    /// <summary>Options when run alone: [repeats] [steps] defaults.</summary>
    (int Repeats, int Steps) Defaults { get; }

    IReadOnlyList<Comparison> Compare(BenchOptions options);

    /// <summary>Writes bench/results/NAME.md: header (with <paramref name="command"/>), table, notes.</summary>
    void WriteReport(BenchOptions options, IReadOnlyList<Comparison> rows, string command);
}

public static class ComparativeBench
{
    public static string Command(string verb, BenchOptions o) =>
        $"dotnet run -c Release --project bench/FaceBoost.Bench -- {verb} {string.Join(' ', o.ToArgs())}";

    /// <summary>`NAME [repeats] [steps] [--threads N] [--capped]`: compare, write the results file.</summary>
    public static int RunAlone(IComparativeBench bench, string[] args)
    {
        var (repeats, steps) = bench.Defaults;
        var o = BenchOptions.Parse(args, repeats, steps);
        TorchRuntime.Initialize(o.Threads);
        bench.WriteReport(o, bench.Compare(o), Command(bench.Name, o));
        return 0;
    }
}
