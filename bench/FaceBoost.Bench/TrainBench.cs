using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>`train`: recognition training images/s through <see cref="RecognitionTrainer"/> (forward, ArcFace,
/// backward, gradient norm, SGD step — the real loop, on in-memory random batches so decoding is not measured),
/// against the same network, head and optimiser in PyTorch (bench/pytorch/train_bench.py), same threads and batch,
/// in one run. Writes bench/results/train.md.</summary>
public sealed class TrainBench : IBenchmark
{
    public string Name => "train";
    public string Description => "recognition training images/s, IResNet-50@112 and a reduced net, vs PyTorch (train_bench.py)";

    private sealed record Case(string Label, string Backbone, int Layers50, int Size, int Width, int Batch, int Emb);

    public int Run(string[] args)
    {
        var threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        var iters = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6;
        TorchRuntime.Initialize(threads);
        Case[] cases =
        [
            new("IResNet-50, 112 px (insightface)", "iresnet50", 50, 112, 64, 16, 512),
            new("IResNet-18, 32 px, width 16 (CPU-scale)", "iresnet18", 18, 32, 16, 64, 64),
        ];
        const int classes = 1000;
        var md = new StringBuilder();
        md.AppendLine("# Recognition training throughput: FaceBoost (TorchSharp) vs PyTorch\n");
        md.AppendLine($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {threads} intra-op threads on both sides, " +
                      $"{classes} classes, ArcFace s=64 m=0.5, SGD momentum 0.9 wd 5e-4, gradient norm computed every step; " +
                      $"{iters} timed steps after 2 warm-up steps; random in-memory batches (no decoding).\n");
        md.AppendLine("`dotnet run -c Release --project bench/FaceBoost.Bench -- train [threads] [steps]`\n");
        md.AppendLine("| Network | Batch | FaceBoost img/s | PyTorch img/s | ratio FaceBoost/PyTorch |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in cases)
        {
            var ours = Measure(c, threads, iters, classes);
            var py = PyTorch(c, threads, iters, classes);
            var ratio = py is { } p ? (ours / p).ToString("F2", CultureInfo.InvariantCulture) : "–";
            var pyText = py is { } q ? q.ToString("F1", CultureInfo.InvariantCulture) : "(python3-torch absent)";
            var line = $"| {c.Label} | {c.Batch} | {ours:F1} | {pyText} | {ratio} |";
            Console.WriteLine(line);
            md.AppendLine(line);
        }
        var path = Path.Combine(BenchPaths.Results, "train.md");
        File.WriteAllText(path, md.ToString());
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static double Measure(Case c, int threads, int iters, int classes)
    {
        const int warmup = 2;
        var dir = Path.Combine(Path.GetTempPath(), "fb-train-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var o = new RecognitionTrainOptions
        {
            Backbone = new BackboneOptions { Name = c.Backbone, InputSize = c.Size, BaseWidth = c.Width, EmbeddingSize = c.Emb },
            Head = new HeadOptions { Loss = "arcface", Scale = 64, Margin = 0.5 },
            Optimizer = new OptimizerOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4 },
            Epochs = 1, BatchSize = c.Batch, Threads = threads, LogEvery = 1000, RunDir = dir,
        };
        var source = new RandomBatches(c.Batch, c.Size, classes, warmup + iters);
        var clock = new StepClock(warmup);
        new RecognitionTrainer(o, source).Run(progress: clock);
        Directory.Delete(dir, true);
        return iters * c.Batch / clock.TimedSeconds;
    }

    private static double? PyTorch(Case c, int threads, int iters, int classes)
    {
        const string py = "/usr/bin/python3";
        var script = Path.Combine(BenchPaths.Root, "pytorch", "train_bench.py");
        if (!File.Exists(py)) return null;
        var psi = new ProcessStartInfo(py, string.Join(' ', script, "--layers", c.Layers50.ToString(CultureInfo.InvariantCulture),
            "--input-size", c.Size.ToString(CultureInfo.InvariantCulture), "--width", c.Width.ToString(CultureInfo.InvariantCulture),
            "--batch", c.Batch.ToString(CultureInfo.InvariantCulture), "--emb", c.Emb.ToString(CultureInfo.InvariantCulture),
            "--classes", classes.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--steps", iters.ToString(CultureInfo.InvariantCulture)))
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The same oneDNN ISA cap as FaceBoost's runtime, so both sides run the same kernels.
        psi.Environment["ONEDNN_MAX_CPU_ISA"] = "SSE41";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"train_bench.py failed ({p.ExitCode}): {stderr.Trim()}");
            return null;
        }
        var last = stdout.Trim().Split('\n')[^1];
        return double.Parse(last.Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>Fixed random batches held in memory; the trainer disposes each batch, so each is a copy.</summary>
    private sealed class RandomBatches(int batch, int size, int classes, int count) : ITrainBatchSource
    {
        private readonly Tensor _images = randn(batch, 3, size, size);
        private readonly Tensor _labels = randint(0, classes, [batch], dtype: ScalarType.Int64);
        public int NumClasses => classes;
        public int BatchesPerEpoch => count;
        public IReadOnlyList<string>? Identities => null;
        public (float Mean, float Std) Normalization => (0.5f, 0.5f);

        public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch)
        {
            for (var b = startBatch; b < count; b++) yield return new TrainBatch(_images.clone(), _labels.clone(), b);
        }
    }

    /// <summary>Synchronous progress sink: time from the end of the warm-up steps to the end of the last step.</summary>
    private sealed class StepClock(int warmup) : IProgress<TrainProgress>
    {
        private readonly Stopwatch _clock = new();
        public double TimedSeconds => _clock.Elapsed.TotalSeconds;

        public void Report(TrainProgress value)
        {
            if (value.GlobalStep == warmup) _clock.Restart();
            else if (value.GlobalStep == value.TotalSteps) _clock.Stop();
        }
    }
}
