using FaceBoost.Training;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Data;
using FaceBoost.Evaluation;
using FaceBoost.Imaging;

namespace FaceBoost.Bench;

/// <summary>`eval`: ONNX MobileFaceNet embedding throughput (images/s) and ORL verification accuracy
/// per preprocessing mode, written to bench/results/eval.md.</summary>
public sealed class EvalBench : IBenchmark
{
    public string Name => "eval";
    public string Description => "ONNX embedding throughput and ORL verification accuracy per preprocessing (needs ../shared)";

    public int Run(string[] args)
    {
        var shared = SharedData.Find();
        if (shared is null) { Console.Error.WriteLine("../shared not found (set FACEBOOST_SHARED)"); return 2; }
        string model = Path.Combine(shared, "models", "mobilefacenet-128d.onnx"), orl = Path.Combine(shared, "data", "orl");
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        var md = new StringBuilder();
        md.AppendLine("# eval bench: ONNX embedding throughput and ORL verification");
        md.AppendLine();
        md.AppendLine($"Machine: {Environment.ProcessorCount} logical cores (shared with other jobs), ONNX Runtime intra-op threads = {threads}. " +
                      $"Model: mobilefacenet-128d.onnx (N×3×112×112). Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. " +
                      $"Load average at start: {LoadAverage()} — other jobs share the cores, so images/s is a lower bound.");
        md.AppendLine();

        // Throughput: decoded, preprocessed 112×112 faces in memory; only the model is timed.
        var faces = Directory.GetDirectories(orl, "s*").SelectMany(d => Directory.GetFiles(d, "*.pgm")).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => FacePreprocessor.Apply(ImageDecoder.Decode(p), FacePreprocess.Resize, 112)).ToArray();
        md.AppendLine("| batch | images | seconds | images/s |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (int batch in new[] { 1, 16, 64 })
        {
            using var emb = new OnnxFaceEmbedder(model, new EmbedderOptions { BatchSize = batch, Threads = threads });
            emb.Embed(faces.Take(batch).ToArray()); // warm-up
            var sw = Stopwatch.StartNew();
            emb.Embed(faces);
            double s = sw.Elapsed.TotalSeconds;
            var line = string.Create(CultureInfo.InvariantCulture, $"| {batch} | {faces.Length} | {s:0.00} | {faces.Length / s:0.0} |");
            Console.WriteLine(line); md.AppendLine(line);
        }
        md.AppendLine();

        var pairs = OrlPairs(orl, seed: 1);
        md.AppendLine($"ORL verification: {pairs.Count} pairs ({pairs.Count(p => p.Same)} genuine = all same-identity pairs, same number of seeded random impostors), " +
                      "10-fold stratified (seed 0), cosine similarity.");
        md.AppendLine();
        md.AppendLine("| preprocess (92×112 grey → 112×112) | flip-sum | 10-fold acc % | AUC | EER % | TAR@FAR=1e-2 |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        using (var emb = EmbedderFactory.Open(model, new EmbedderOptions { Threads = threads }))
        {
            foreach (var mode in Enum.GetValues<FacePreprocess>())
                foreach (var flip in new[] { false, true })
                {
                    var r = VerificationEvaluator.Evaluate(emb, pairs, new EvalOptions
                    {
                        Extraction = new ExtractionOptions { Preprocess = mode, FlipSum = flip },
                        Metrics = new MetricsOptions { FoldScheme = FoldScheme.Stratified },
                    });
                    var m = r.Overall;
                    var line = string.Create(CultureInfo.InvariantCulture,
                        $"| {mode} | {(flip ? "yes" : "no")} | {100 * m.KFold.Mean:0.00} ± {100 * m.KFold.Std:0.00} | {m.Auc:0.0000} | {100 * m.Eer:0.00} | {m.TarAtFar[0].Tar:0.000} |");
                    Console.WriteLine(line); md.AppendLine(line);
                }
        }
        var outPath = Path.Combine(FindRepo() ?? ".", "bench", "results", "eval.md");
        File.WriteAllText(outPath, md.ToString());
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    /// <summary>All 40·45 genuine ORL pairs and as many seeded random impostor pairs.</summary>
    public static List<VerificationPair> OrlPairs(string orl, int seed)
    {
        var ids = Directory.GetDirectories(orl, "s*").OrderBy(d => int.Parse(Path.GetFileName(d)[1..], CultureInfo.InvariantCulture))
            .Select(d => Enumerable.Range(1, 10).Select(i => Path.Combine(d, $"{i}.pgm")).ToArray()).ToArray();
        var pairs = new List<VerificationPair>();
        foreach (var files in ids)
            for (int a = 0; a < files.Length; a++)
                for (int b = a + 1; b < files.Length; b++) pairs.Add(new VerificationPair(files[a], files[b], true));
        int genuine = pairs.Count;
        var rng = new Random(seed);
        var seen = new HashSet<(string, string)>();
        while (pairs.Count < 2 * genuine)
        {
            int i = rng.Next(ids.Length), j = rng.Next(ids.Length);
            if (i == j) continue;
            var (a, b) = (ids[i][rng.Next(10)], ids[j][rng.Next(10)]);
            if (seen.Add((a, b)) && !seen.Contains((b, a))) pairs.Add(new VerificationPair(a, b, false));
        }
        return pairs;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string? FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return d.FullName;
        return null;
    }
}
