using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Experiments;
using FaceBoost.Imaging;
using FaceBoost.Nets;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Training;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`rss`: does memory stay flat over a long run? Process RSS (/proc/self/status VmRSS) and the managed heap
/// (GC.GetTotalMemory, no forced collection) sampled every E steps over S training steps of the three trainers the
/// shared-data experiment runs, through their real paths with configs/shared-data.json's settings, 1 libtorch thread:
/// (a) <see cref="RecognitionTrainer"/> with <see cref="RecognitionStage.Options"/> (IR-SE-18 w16 @32, 6-channel input =
/// image ⊕ average image, ArcFace, SGD, clip 5) at batch 64 on in-memory random batches; (b) <see cref="GanTrainer.Run"/>
/// (G main, D main, R1 every 16 steps, ADA, EMA, snapshots with FD, sample grids) on ORL at 32 px; (c)
/// <see cref="EncoderTrainer"/> (pSp IR-SE-18 w16 @32 inverting a frozen random generator; L2 + MS-SSIM, Ranger, grids and
/// checkpoints at the stage's cadence) on ORL. Each case runs in its own child process so one case's freed memory
/// cannot hide another's growth. Goal: RSS within ±5 % of its step-100 value up to the last step. Writes
/// bench/results/rss.md. Args: [steps (500)] [--every E (50)] [--only rec|gan|enc].</summary>
public sealed class RssBench : IBenchmark
{
    public string Name => "rss";
    public string Description => "RSS / GC heap every 50 steps over 500 steps of the recognition, GAN and encoder trainers (32 px)";

    private const int WarmupStep = 100;
    private const double Tolerance = 0.05;
    private static readonly (string Key, string Label)[] Cases =
    [
        ("rec", "recognition IR-SE-18 w16 @32, 6 ch, batch 64"),
        ("gan", "StyleGAN2 G+D (R1 every 16) @32, batch 16"),
        ("enc", "pSp encoder IR-SE-18 w16 @32, batch 16"),
    ];

    public int Run(string[] args)
    {
        int steps = 500, every = 50;
        string? only = null, child = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--every" && i + 1 < args.Length) every = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--only" && i + 1 < args.Length) only = args[++i];
            else if (args[i] == "--child" && i + 1 < args.Length) child = args[++i];
            else if (int.TryParse(args[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) steps = n;
            else throw new ArgumentException($"unknown rss argument '{args[i]}' (expected [steps] [--every E] [--only rec|gan|enc])");
        }
        if (child is not null) return RunChild(child, steps, every);

        var shared = SharedData.Find();
        var orl = shared is null ? null : Path.Combine(shared, "data", "orl");
        var chosen = Cases.Where(c => only is null || c.Key == only).ToList();
        var results = new List<(string Key, string Label, List<Sample> Samples, double Seconds)>();
        foreach (var (key, label) in chosen)
        {
            if (key != "rec" && (orl is null || !Directory.Exists(orl)))
            {
                Console.WriteLine($"rss: {key} needs ../shared/data/orl (set FACEBOOST_SHARED); skipped");
                continue;
            }
            Console.WriteLine($"rss: {label}, {steps} steps");
            var clock = Stopwatch.StartNew();
            var samples = SpawnChild(key, steps, every);
            results.Add((key, label, samples, clock.Elapsed.TotalSeconds));
        }
        var command = $"dotnet run -c Release --project bench/FaceBoost.Bench -- rss {steps} --every {every}" + (only is null ? "" : $" --only {only}");
        var md = Report(results, steps, every, command);
        Console.WriteLine(md);
        if (only is null) BenchReport.Write("rss.md", md);
        else Console.WriteLine("(--only: bench/results/rss.md not written)");
        return results.All(r => Verdict(r.Samples, x => x.RssMb).Flat != false) ? 0 : 1;
    }

    /// <param name="AfterSnapshot">Taken right after a GAN snapshot's Fréchet distance (500 generated images).</param>
    /// <param name="TrimmedMb">RSS right after malloc_trim(0) (glibc hands its free pages back): live native memory plus
    /// what fragmentation pins, without the allocator's cache — the figure a leak moves.</param>
    public sealed record Sample(int Step, double RssMb, double HeapMb, double TrimmedMb, bool AfterSnapshot = false);

    private static List<Sample> SpawnChild(string key, int steps, int every)
    {
        using var p = Process.Start(Alternating.Self(["rss", steps.ToString(CultureInfo.InvariantCulture), "--every", every.ToString(CultureInfo.InvariantCulture), "--child", key]))!;
        var samples = new List<Sample>();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts.Length is 5 or 6 && parts[0] == "SAMPLE")
                samples.Add(new Sample(int.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture),
                    double.Parse(parts[3], CultureInfo.InvariantCulture), double.Parse(parts[4], CultureInfo.InvariantCulture), parts.Length == 6));
            Console.WriteLine("  " + line);
        }
        p.WaitForExit();
        if (p.ExitCode != 0) Console.WriteLine($"rss: child {key} exited with {p.ExitCode}");
        return samples;
    }

    /// <summary>Flat when every sample from <see cref="WarmupStep"/> on is within ±5 % of the step-100 RSS, or when the
    /// only ones outside are transient (a later sample is back inside, and so is the last); null when the run was too
    /// short to say.</summary>
    public static (bool? Flat, double MaxDeviation, double EndGrowth, bool Transient) Verdict(IReadOnlyList<Sample> samples, Func<Sample, double> mb)
    {
        var baseline = samples.FirstOrDefault(s => s.Step == WarmupStep);
        var after = samples.Where(s => s.Step >= WarmupStep).ToList();
        if (baseline is null || after.Count < 2) return (null, double.NaN, double.NaN, false);
        bool Inside(Sample s) => Math.Abs(mb(s) / mb(baseline) - 1) <= Tolerance;
        var dev = after.Max(s => Math.Abs(mb(s) / mb(baseline) - 1));
        var transient = after.Where((s, i) => !Inside(s) && after.Skip(i + 1).Any(Inside)).Count();
        var outside = after.Count(s => !Inside(s));
        var flat = Inside(after[^1]) && transient == outside;
        return (flat, dev, mb(after[^1]) / mb(baseline) - 1, outside > 0 && flat);
    }

    private static string Report(List<(string Key, string Label, List<Sample> Samples, double Seconds)> results, int steps, int every, string command)
    {
        static string F(double v, string f = "F1") => v.ToString(f, CultureInfo.InvariantCulture);
        var md = new StringBuilder();
        md.AppendLine("# RSS over a training run (issue 16)").AppendLine();
        md.AppendLine(BenchReport.RunLine()).AppendLine();
        md.AppendLine($"`{command}`").AppendLine();
        md.AppendLine($"Each case in its own child process, 1 libtorch thread, {steps} steps; sampled after every {every} steps (step 0 = after " +
                      "set-up, before the first step): RSS = VmRSS of /proc/self/status; trimmed = VmRSS right after malloc_trim(0), which " +
                      "hands glibc's free pages back, so it is live memory without the allocator's cache (the trim also makes the next " +
                      "raw RSS start lower); heap = GC.GetTotalMemory(false) (managed objects only, no collection forced — tensors live in " +
                      $"native memory and show in RSS). Goal: RSS within ±{Tolerance:P0} of its step-{WarmupStep} value " +
                      "up to the last step. Settings from configs/shared-data.json: recognition through RecognitionStage.Options " +
                      "(IR-SE-18, width 16, 32 px, 6 channels = image ⊕ average image, embedding 64, ArcFace s 32 m 0.3, SGD lr 0.05, clip 5) " +
                      "but batch 64 and 1 epoch of in-memory random batches (200 classes); GAN through GanTrainer.Run with the gan section " +
                      "(z/w 64, 4 mapping layers, channel max 64, batch 16, R1 γ 0.1 every 16 steps, ADA, path length off) and GanStage's " +
                      "cadence (snapshot with FD and checkpoint, and a sample grid, every quarter of the run — rounded up to a multiple of " +
                      "the sampling interval, e.g. every 150 steps for 500) on ORL (400 PGMs read in place); encoder through " +
                      "EncoderTrainer.Run with the encoder section (batch 16, Ranger lr 5e-4, L2 + 0.8 × (1 − MS-SSIM)) and EncoderStage's " +
                      "cadence (grid and checkpoint every quarter), inverting a frozen randomly initialised generator of the gan section, on ORL.").AppendLine();
        if (results.Count == 0) { md.AppendLine("No case ran."); return md.ToString(); }
        var stepsSeen = results.SelectMany(r => r.Samples.Select(s => s.Step)).Distinct().Order().ToList();
        md.Append("| step |");
        foreach (var r in results) md.Append($" {r.Key} RSS MB | {r.Key} trimmed MB | {r.Key} heap MB |");
        md.AppendLine();
        md.Append("|---:|");
        foreach (var _ in results) md.Append("---:|---:|---:|");
        md.AppendLine();
        foreach (var st in stepsSeen)
        {
            md.Append($"| {st} |");
            foreach (var r in results)
            {
                var s = r.Samples.FirstOrDefault(x => x.Step == st);
                md.Append(s is null ? " – | – | – |" : $" {F(s.RssMb)}{(s.AfterSnapshot ? " ¹" : "")} | {F(s.TrimmedMb)} | {F(s.HeapMb)} |");
            }
            md.AppendLine();
        }
        md.AppendLine();
        md.AppendLine($"| case | what | wall s | figure | at step {WarmupStep} MB | at end MB | end vs step {WarmupStep} | max deviation after step {WarmupStep} | verdict |");
        md.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
            foreach (var (figure, mb) in new (string, Func<Sample, double>)[] { ("RSS", x => x.RssMb), ("trimmed RSS", x => x.TrimmedMb) })
            {
                var (flat, dev, growth, transient) = Verdict(r.Samples, mb);
                var b = r.Samples.FirstOrDefault(s => s.Step == WarmupStep);
                var e = r.Samples.LastOrDefault();
                md.AppendLine($"| {r.Key} | {r.Label} | {F(r.Seconds, "F0")} | {figure} | {(b is null ? "–" : F(mb(b)))} | {(e is null ? "–" : F(mb(e)))} | " +
                              $"{(double.IsNaN(growth) ? "–" : (growth * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " %")} | " +
                              $"{(double.IsNaN(dev) ? "–" : F(dev * 100) + " %")} | {flat switch { true => transient ? "flat (transient peaks)" : "flat", false => "**grows**", null => "run too short" }} |");
            }
        md.AppendLine();
        if (results.Any(r => r.Samples.Any(x => x.AfterSnapshot)))
            md.AppendLine("¹ sampled right after a GAN snapshot: the trainer reports progress after measuring the Fréchet distance " +
                          "(500 generated images through the random-conv features) and before writing the checkpoint.").AppendLine();
        md.AppendLine($"Verdict: flat = every sample from step {WarmupStep} on within ±{Tolerance:P0} of step {WarmupStep}; flat (transient " +
                      "peaks) = the samples outside are followed by samples back inside, the last one included — a peak that goes away " +
                      "is not a leak.").AppendLine();
        md.AppendLine("Wall seconds include set-up and are loaded figures when the run line says so; RSS does not depend on the load.");
        return md.ToString();
    }

    // ---------------------------------------------------------------- child side

    private static int RunChild(string key, int steps, int every)
    {
        TorchRuntime.Initialize(1);
        var config = JsonConfig.Load<ExperimentConfig>(Path.Combine(Path.GetDirectoryName(BenchPaths.Root)!, "configs", "shared-data.json"));
        var dir = Path.Combine(Path.GetTempPath(), $"fb-rss-{key}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            switch (key)
            {
                case "rec": Recognition(config, dir, steps, every); break;
                case "gan": Gan(config, dir, steps, every); break;
                case "enc": Encoder(config, dir, steps, every); break;
                default: throw new ArgumentException($"unknown case '{key}'");
            }
        }
        finally { Directory.Delete(dir, true); }
        return 0;
    }

    [System.Runtime.InteropServices.DllImport("libc")] private static extern int malloc_trim(nuint pad);

    private static void Emit(int step, bool afterSnapshot = false)
    {
        var rss = ReadRssMb();
        var heap = GC.GetTotalMemory(false) / 1048576.0;
        malloc_trim(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SAMPLE {step} {rss:F1} {heap:F1} {ReadRssMb():F1}{(afterSnapshot ? " S" : "")}"));
        Console.Out.Flush();
    }

    public static double ReadRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    private static List<string> OrlFiles() =>
        FaceImageSet.ListFiles([Path.Combine(SharedData.Find()!, "data", "orl")]).ToList();

    private static void Recognition(ExperimentConfig c, string dir, int steps, int every)
    {
        const int classes = 200, batch = 64;
        c = c with { Threads = 1, Recognition = c.Recognition with { BatchSize = batch, Epochs = 1, MinSteps = 0 } };
        var avgPath = Path.Combine(dir, "average.png");
        var size = c.Network.InputSize;
        var rng = new Random(1);
        ImageWriter.Save(new RgbImage(size, size, Enumerable.Range(0, 3 * size * size).Select(_ => (float)rng.NextDouble()).ToArray()), avgPath);
        var labeled = Data.FaceDataset.FromPaths("rss", dir, [("x.png", "a"), ("y.png", "b")]);
        var spec = new RecognitionStage.Spec("scratch6", 1, 0, labeled, null, null, SixChannels: true, AverageImage: avgPath);
        var source = new RandomBatches(batch, size, classes, steps);
        var o = RecognitionStage.Options(spec, c, Path.Combine(dir, "run"), source.BatchesPerEpoch) with { Threads = 1 };
        Emit(0);
        new RecognitionTrainer(o, source).Run(progress: new SyncProgress<TrainProgress>(p =>
        {
            if (p.GlobalStep % every == 0) Emit((int)p.GlobalStep);
        }));
    }

    private static void Gan(ExperimentConfig c, string dir, int steps, int every)
    {
        var g = c.Gan;
        var kimg = steps * g.BatchSize / 1000.0;
        var files = OrlFiles();
        // GanStage snapshots (FD, checkpoint) and saves a sample grid every quarter of the run; here the quarter is rounded
        // up to a multiple of the sampling interval, because a snapshot restarts the log cadence and would shift the
        // progress reports (the only place to sample inside Run) off the every-E grid.
        var quarterSteps = Math.Max(1, (int)Math.Ceiling(steps / 4.0 / every)) * every;
        var quarterKimg = quarterSteps * g.BatchSize / 1000.0;
        var options = new GanTrainOptions(dir, g with { Kimg = kimg },
            SnapshotKimg: quarterKimg, SampleKimg: quarterKimg, LogKimg: every * g.BatchSize / 1000.0,
            FdImages: Math.Min(500, files.Count), Seed: c.Labeled.SplitSeed);
        using var faces = FaceImageSet.Load(files, g.Resolution, options.Seed);
        var fd = new FrechetEvaluator(FeatureExtractors.RandomConv(), faces.Head(options.FdImages), "random-conv", options.FdImages);
        using var trainer = new GanTrainer(options, faces, fd);
        Emit(0);
        trainer.Run(new SyncProgress<GanProgress>(_ =>
        {
            var step = trainer.State.Step;
            if (step % every == 0) Emit((int)step, afterSnapshot: step % quarterSteps == 0 || step == steps);
        }));
    }

    private static void Encoder(ExperimentConfig c, string dir, int steps, int every)
    {
        var e = c.Encoder with { Steps = steps };
        var n = c.Network;
        var options = new EncoderTrainOptions(null, null, dir, e, n.InputSize, NumLayers: n.Depth, Mode: n.Mode, Width: n.Width,
            GridEvery: Math.Max(1, steps / 4), CheckpointEvery: Math.Max(1, steps / 4), LogEvery: every, Seed: c.Labeled.SplitSeed);
        using var faces = FaceTensorSet.FromFiles(OrlFiles(), n.InputSize);
        manual_seed(0);
        using var generator = new FrozenStyleGenerator(new StyleGenerator(c.Gan.Generator()));
        var trainer = new EncoderTrainer(options, generator, epoch => faces.Epoch(epoch, e.BatchSize, options.Seed));
        Emit(0);
        trainer.Run(new SyncProgress<EncoderStepStats>(s =>
        {
            if (s.Step % every == 0) Emit(s.Step);
        }));
    }
}

/// <summary>../shared next to the repository (or FACEBOOST_SHARED): the real faces, read in place, never copied.</summary>
public static class SharedData
{
    public static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("FACEBOOST_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        var repo = Path.GetDirectoryName(BenchPaths.Root)!;
        var p = Path.Combine(Path.GetDirectoryName(repo)!, "shared");
        return Directory.Exists(Path.Combine(p, "data")) ? p : null;
    }
}
