using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Data;

namespace FaceBoost.Bench;

/// <summary>Decoded + augmented images per second through <see cref="FaceLoader"/> on the CelebA slice (whole
/// in-the-wild JPEGs): resize shorter side to 128, random crop 112, flip p = 0.5, batch 64, 1 and 2 workers.</summary>
public sealed class LoaderBench : IBenchmark
{
    public string Name => "loader";
    public string Description => "FaceLoader images/s at 112x112 on the CelebA slice, 1 and 2 workers; `loader headroom`: loader ÷ train step";

    /// <summary>loader.md holds the CelebA throughput table and, after this heading, the headroom section; each mode
    /// rewrites only its own part.</summary>
    private const string HeadroomHeading = "## Loader headroom over the training step";

    public int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "headroom") return Headroom(args[1..]);
        var shared = SharedData.Find();
        var list = shared == null ? null : Path.Combine(shared, "data", "celeba-dev", "identity.txt");
        if (list == null || !File.Exists(list)) { Console.WriteLine("loader: ../shared/data/celeba-dev is absent; nothing to measure"); return 0; }
        if (args.Length > 0 && args[0] == "profile") return Profile(FaceDataset.FromListFile(list));
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        var ds = FaceDataset.FromListFile(list);
        var transform = ImageTransform.Train(size: 112, resizeTo: 128, flip: 0.5);
        var md = new StringBuilder();
        md.AppendLine("# Loader benchmark").AppendLine()
          .AppendLine($"`dotnet run -c Release --project bench/FaceBoost.Bench -- loader {epochs}` — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, " +
                      $"{Environment.ProcessorCount} cores (shared with other jobs: figures are lower bounds).").AppendLine()
          .AppendLine($"CelebA in-the-wild slice: {ds.Count} JPEGs (whole photos, ~170–620 px), decode → resize shorter side 128 " +
                      "(antialiased bilinear; JPEGs decoded at the largest DCT scale 1/2–1/8 that keeps the shorter side ≥ 128) → random crop 112 → flip p=0.5 → normalise → N×3×112×112 float32 tensors, batch 64, " +
                      $"DropLast=false; {epochs} timed epochs after one warm-up epoch.").AppendLine()
          .AppendLine("| workers | prefetch | images | seconds | images/s |").AppendLine("|---:|---:|---:|---:|---:|");
        foreach (int workers in new[] { 1, 2 })
        {
            using var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 64, Workers: workers, Prefetch: 4, DropLast: false, Seed: 1), transform);
            Drain(loader, 0); // warm-up: JIT, file cache
            var sw = Stopwatch.StartNew();
            long images = 0;
            for (int e = 1; e <= epochs; e++) images += Drain(loader, e);
            double s = sw.Elapsed.TotalSeconds;
            var line = $"| {workers} | 4 | {images} | {s:0.00} | {images / s:0} |";
            Console.WriteLine(line);
            md.AppendLine(line);
            if (loader.SkippedFiles > 0) md.AppendLine($"\n({loader.SkippedFiles} files skipped)");
        }
        if (File.Exists("/proc/loadavg"))
            md.AppendLine().AppendLine($"Load average during the run (other helpers' jobs share the cores): {File.ReadAllText("/proc/loadavg").Trim()}");
        WritePart(md.ToString(), headroom: false);
        return 0;
    }

    /// <summary>Replaces the CelebA part or the headroom part of loader.md, keeping the other.</summary>
    private static void WritePart(string text, bool headroom)
    {
        var path = Path.Combine(BenchPaths.Results, "loader.md");
        var old = File.Exists(path) ? File.ReadAllText(path) : "";
        var at = old.IndexOf(HeadroomHeading, StringComparison.Ordinal);
        var (celeba, room) = at < 0 ? (old, "") : (old[..at], old[at..]);
        var md = headroom ? celeba.TrimEnd() + "\n\n" + text : text.TrimEnd() + "\n" + (room.Length > 0 ? "\n" + room : "");
        BenchReport.Write("loader.md", md.TrimStart());
    }

    /// <summary>`loader headroom [repeats] [batches] [steps]`: in one run, FaceLoader images/s at the experiments'
    /// streaming settings (RecognitionStage.Source with inMemory false) on aligned Extended Yale B PGMs read in place, and
    /// the images/s the recognition train step consumes at the same size (TrainBench's cases through RecognitionTrainer,
    /// 1 libtorch thread); the ratio says how far ahead the loader is (goal ≥ 5×). Repeats alternate loader and step so
    /// both see the same load.</summary>
    private static int Headroom(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int batches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var shared = SharedData.Find();
        var yale = shared == null ? null : Path.Combine(shared, "data", "extended-yaleb");
        if (yale == null || !Directory.Exists(yale)) { Console.WriteLine("loader headroom: ../shared/data/extended-yaleb is absent; nothing to measure"); return 0; }
        Runtime.TorchRuntime.Initialize(1);
        var ds = FaceDataset.FromFolder(yale, "yale", Imaging.ImageFiles.YaleAmbientFrames);
        // RecognitionStage.Source when streaming: resizeTo > 0 → resize + random crop + flip (paper.json: 128 → 112, 8
        // workers); else a plain resize + flip (shared-data.json's 32 px, the default 2 workers). Batch 64 both.
        var sizes = new (string Label, ImageTransform Transform, int[] Workers, TrainBench.Case Step)[]
        {
            ("32 px, plain resize + flip (shared-data)", ImageTransform.Plain(32) with { HorizontalFlip = 0.5 }, [2], TrainBench.Resnet18),
            ("112 px, resize 128 + random crop + flip (paper)", ImageTransform.Train(112, 128, 0.5), [2, 8], TrainBench.Resnet50),
        };
        var rows = new List<string>();
        foreach (var (label, transform, workerCounts, step) in sizes)
        {
            var loaders = workerCounts.Select(w => new FaceLoader(ds, new LoaderOptions(BatchSize: 64, Workers: w, Prefetch: 4, DropLast: false, Seed: 1), transform)).ToList();
            var loaderIps = workerCounts.Select(_ => new List<double>()).ToList();
            var stepIps = new List<double>();
            try
            {
                for (var r = 0; r < repeats; r++)
                {
                    for (var i = 0; i < loaders.Count; i++)
                    {
                        loaderIps[i].Add(TimeBatches(loaders[i], r, batches));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}, {workerCounts[i]} workers: loader {loaderIps[i][^1]:0} img/s"));
                    }
                    stepIps.Add(TrainBench.Measure(step, threads: 1, iters: steps));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step ({step.Label}): {stepIps[^1]:0.00} img/s"));
                }
            }
            finally { foreach (var l in loaders) l.Dispose(); }
            var s = Stat.Of(stepIps)!;
            for (var i = 0; i < loaders.Count; i++)
            {
                var l = Stat.Of(loaderIps[i])!;
                var ratio = l.Median / s.Median;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {workerCounts[i]} | {l.Format("F0")} | {step.Label} | {s.Format()} | {ratio:0.0}× | {(ratio >= 5 ? "yes" : "**no**")} |"));
            }
        }
        var md = new StringBuilder();
        md.AppendLine(HeadroomHeading).AppendLine();
        md.AppendLine(BenchReport.RunLine()).AppendLine();
        md.AppendLine($"`dotnet run -c Release --project bench/FaceBoost.Bench -- loader headroom {repeats} {batches} {steps}`").AppendLine();
        md.AppendLine($"Loader: FaceLoader on Extended Yale B ({ds.Count} aligned PGM faces, 168×192 grey, ambient frames left out, read in " +
                      $"place), batch 64, prefetch 4, the transform RecognitionStage.Source uses when streaming; {batches} batches timed " +
                      $"after the first of each epoch. Step: TrainBench's recognition step through RecognitionTrainer (forward, ArcFace, " +
                      $"backward, gradient norm, SGD; in-memory random batches, 1000 classes), 1 libtorch thread, 2 warm-up + {steps} timed " +
                      $"steps. {repeats} repeats alternating loader and step; median (min–max). Ratio = loader images/s ÷ step images/s " +
                      "(goal ≥ 5×). The two sides run one after the other, alternating, in the same process, so both see the same outside " +
                      "load and the ratio stays meaningful under load; the absolute figures are loaded ones when the run line says so. " +
                      "The loader uses its worker threads, the step one libtorch thread.").AppendLine();
        md.AppendLine("| loader setting | workers | loader img/s | train step | step img/s | ratio | ≥ 5× |");
        md.AppendLine("|---|---:|---:|---|---:|---:|---|");
        foreach (var r in rows) { md.AppendLine(r); Console.WriteLine(r); }
        WritePart(md.ToString(), headroom: true);
        return 0;
    }

    /// <summary>Images/s over <paramref name="batches"/> batches of epoch <paramref name="epoch"/>, after its first batch
    /// (worker start-up, file cache).</summary>
    private static double TimeBatches(FaceLoader loader, int epoch, int batches)
    {
        long n = 0;
        var sw = new Stopwatch();
        var seen = 0;
        foreach (var b in loader.Epoch(epoch))
        {
            using (b)
            {
                if (seen++ == 0) { sw.Start(); continue; }
                n += b.Count;
            }
            if (seen > batches) break;
        }
        return n / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Single-threaded split of the per-image cost: read, decode, augment.</summary>
    private static int Profile(FaceDataset ds)
    {
        var t = ImageTransform.Train();
        var files = ds.Samples.Take(100).Select(s => s.Path).ToArray();
        var sw = Stopwatch.StartNew();
        var bytes = files.Select(File.ReadAllBytes).ToArray();
        double read = sw.Elapsed.TotalMilliseconds; sw.Restart();
        var imgs = bytes.Select((b, i) => Imaging.ImageDecoder.Decode(b, files[i], t.MinDecodeSide)).ToArray();
        double decode = sw.Elapsed.TotalMilliseconds; sw.Restart();
        for (int i = 0; i < imgs.Length; i++) t.Apply(imgs[i], 1, 0, i);
        double aug = sw.Elapsed.TotalMilliseconds;
        using (var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 32, Workers: 2, Seed: 1), t))
        using (var first = loader.Epoch(0).First())
        {
            // Outside the repo: these are real people's photos and must not be committed.
            var grid = Path.Combine(Path.GetTempPath(), "faceboost-loader-batch.png");
            Imaging.ImageGrid.SavePng(first.Images, grid, columns: 8);
            Console.WriteLine($"first training batch: {grid}");
        }
        Console.WriteLine($"per image: read {read / files.Length:0.00} ms, decode {decode / files.Length:0.00} ms, augment {aug / files.Length:0.00} ms");
        return 0;
    }

    private static long Drain(FaceLoader loader, int epoch)
    {
        long n = 0;
        foreach (var b in loader.Epoch(epoch)) using (b) n += b.Count;
        return n;
    }
}
