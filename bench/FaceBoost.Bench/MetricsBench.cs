using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Data;
using FaceBoost.Evaluation;

namespace FaceBoost.Bench;

/// <summary>`metrics`: time of the verification figures of one report over 6,000 pairs of random embeddings (dim 512 and
/// 64), embedding time excluded: cosine scoring, then <see cref="VerificationEvaluator.FromScores"/> (10-fold accuracy
/// with a threshold search per fold, TAR@FAR at 1e-2/1e-3/1e-4, ROC with AUC and EER; overall and per group), then the
/// report's JSON and table. Both protocols; one case with four groups (the demo's A–D). Median (min–max) of R repeats
/// after one untimed warm-up. Goal &lt; 1 s. Writes bench/results/metrics.md. Args: [repeats (10)] [pairs (6000)].</summary>
public sealed class MetricsBench : IBenchmark
{
    public string Name => "metrics";
    public string Description => "10-fold verification metrics (accuracy, TAR@FAR, ROC/AUC/EER) over 6,000 random-embedding pairs, dim 512 / 64";

    private sealed record Case(string Label, int Dim, VerificationProtocol Protocol, FoldScheme Folds, int Groups);

    public int Run(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        int n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6000;
        var cases = new List<Case>();
        foreach (var dim in new[] { 512, 64 })
        {
            cases.Add(new($"insightface protocol (default), consecutive folds", dim, VerificationProtocol.Insightface, FoldScheme.Consecutive, 0));
            cases.Add(new($"exact protocol, stratified folds", dim, VerificationProtocol.Exact, FoldScheme.Stratified, 0));
            cases.Add(new($"insightface protocol, 4 groups (overall + per group)", dim, VerificationProtocol.Insightface, FoldScheme.Stratified, 4));
        }
        var md = new StringBuilder();
        md.AppendLine("# Verification metrics time (issue 16)").AppendLine();
        md.AppendLine(BenchReport.RunLine()).AppendLine();
        md.AppendLine($"`dotnet run -c Release --project bench/FaceBoost.Bench -- metrics {repeats} {n}`").AppendLine();
        md.AppendLine($"{n} pairs ({n / 2} genuine: b = a + Gaussian noise scaled so the expected cosine is 2.5/√dim, both L2-normalised, so the classes overlap (~90 % accuracy); " +
                      $"{n - n / 2} impostors: independent), seeded; embeddings made before timing (embedding time excluded). One thread (the " +
                      "metrics are plain C#). Timed per repeat: **score** = cosine of each pair (EmbeddingExtractor.Cosine); **metrics** = " +
                      "VerificationEvaluator.FromScores (10-fold accuracy with a threshold search per fold, TAR@FAR 1e-2/1e-3/1e-4, ROC with " +
                      "AUC and EER, per-group figures when pairs carry groups); **report** = ReportJsonWriter.ToJson + ReportTableWriter.Format. " +
                      $"Cells: median (min–max) of {repeats} repeats after one untimed warm-up, milliseconds. Goal: total < 1 s.").AppendLine();
        md.AppendLine("| dim | case | score ms | metrics ms | report ms | total ms | 10-fold acc | AUC | EER | goal < 1 s |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        var allPass = true;
        foreach (var c in cases)
        {
            var (pairs, a, b) = Make(n, c.Dim, c.Groups, seed: 7);
            var metrics = new MetricsOptions { Protocol = c.Protocol, FoldScheme = c.Folds };
            VerificationReport Once(List<double> score, List<double> metric, List<double> report)
            {
                var sw = Stopwatch.StartNew();
                var scores = new double[pairs.Count];
                for (var i = 0; i < scores.Length; i++) scores[i] = EmbeddingExtractor.Cosine(a[i], b[i]);
                score.Add(sw.Elapsed.TotalMilliseconds); sw.Restart();
                var r = VerificationEvaluator.FromScores(pairs, scores, metrics, "random");
                metric.Add(sw.Elapsed.TotalMilliseconds); sw.Restart();
                var json = ReportJsonWriter.ToJson(r).ToJsonString();
                var table = ReportTableWriter.Format(r);
                report.Add(sw.Elapsed.TotalMilliseconds);
                if (json.Length == 0 || table.Length == 0) throw new InvalidOperationException("empty report");
                return r;
            }
            Once([], [], []); // warm-up (JIT)
            List<double> s = [], m = [], rp = [];
            VerificationReport? last = null;
            for (var r = 0; r < repeats; r++) last = Once(s, m, rp);
            var total = Stat.Of(s.Select((x, i) => x + m[i] + rp[i]).ToList())!;
            var pass = total.Median < 1000;
            allPass &= pass;
            var o = last!.Overall;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {c.Dim} | {c.Label} | {Stat.Of(s)!.Format("F1")} | {Stat.Of(m)!.Format("F1")} | {Stat.Of(rp)!.Format("F1")} | {total.Format("F1")} | " +
                $"{100 * o.KFold.Mean:0.00} % | {o.Auc:0.0000} | {100 * o.Eer:0.00} % | {(pass ? "yes" : "**no**")} |");
            Console.WriteLine(line);
            md.AppendLine(line);
        }
        md.AppendLine();
        md.AppendLine("Timings are wall-clock on a shared machine; when the run line says loaded, they are upper bounds of the idle figures.");
        BenchReport.Write("metrics.md", md.ToString());
        return allPass ? 0 : 1;
    }

    /// <summary>n pairs of unit embeddings: the first half genuine (noisy copies), the rest impostors; groups round-robin.</summary>
    private static (List<VerificationPair> Pairs, float[][] A, float[][] B) Make(int n, int dim, int groups, int seed)
    {
        var rng = new Random(seed);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        float[] Unit(double[] v)
        {
            var norm = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => (float)(x / norm)).ToArray();
        }
        var pairs = new List<VerificationPair>(n);
        var a = new float[n][];
        var b = new float[n][];
        // Genuine cosine ≈ 2.5/√dim, impostor cosine ≈ 0 ± 1/√dim: overlapping classes (~90 % accuracy), as real models give.
        var cos = 2.5 / Math.Sqrt(dim);
        var sigma = Math.Sqrt(1 / (cos * cos) - 1);
        for (var i = 0; i < n; i++)
        {
            var same = i < n / 2;
            var x = Enumerable.Range(0, dim).Select(_ => Gauss()).ToArray();
            var y = same ? x.Select(v => v + sigma * Gauss()).ToArray() : Enumerable.Range(0, dim).Select(_ => Gauss()).ToArray();
            a[i] = Unit(x);
            b[i] = Unit(y);
            var group = groups > 0 ? ((char)('A' + i % groups)).ToString() : null;
            pairs.Add(new VerificationPair($"a{i}.png", $"b{i}.png", same, group));
        }
        return (pairs, a, b);
    }
}
