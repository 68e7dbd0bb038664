using System.Diagnostics;
using System.Globalization;
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
/// interleaved in one run. Writes bench/results/train.md. Args: [repeats] [steps] [--threads N] [--capped].</summary>
public sealed class TrainBench : IComparativeBench
{
    public string Name => "train";
    public string Description => "recognition training images/s, IResNet-50@112 and IResNet-18 w16@32, vs PyTorch (train_bench.py)";

    internal sealed record Case(string Label, string Backbone, int Layers, int Size, int Width, int Batch, int Emb);

    internal static readonly Case Resnet50 = new("IResNet-50 @112, batch 16", "iresnet50", 50, 112, 64, 16, 512);
    internal static readonly Case Resnet18 = new("IResNet-18 w16 @32, batch 64", "iresnet18", 18, 32, 16, 64, 64);
    private const int Classes = 1000;

    public (int Repeats, int Steps) Defaults => (3, 4);
    public int Run(string[] args) => ComparativeBench.RunAlone(this, args);

    public void WriteReport(BenchOptions o, IReadOnlyList<Comparison> rows, string command)
    {
        var md = BenchReport.Header("Recognition training throughput: FaceBoost (TorchSharp) vs PyTorch", command, o);
        md += BenchReport.Table(rows, o.Capped);
        md += $"\nEach repeat: 2 warm-up steps, then {o.Steps} timed steps ({StepsFor(Resnet18, o.Steps)} for the 32 px IResNet-18, whose steps are short); {Classes} classes, ArcFace s=64 m=0.5, SGD momentum " +
              "0.9 wd 5e-4, gradient norm every step, random in-memory batches (no decoding). % of conv peak = img/s × training " +
              "FLOPs per image (forward × 3, counted from the layer shapes by the twin) ÷ the same stack's 3×3-conv GFLOP/s " +
              "(bench `conv`, when run in the same `all` run).\n";
        BenchReport.Write("train.md", md);
    }

    public IReadOnlyList<Comparison> Compare(BenchOptions o)
    {
        TorchRuntime.Initialize(o.Threads);
        var rows = new List<Comparison>();
        foreach (var c in new[] { Resnet18, Resnet50 })
        {
            Console.WriteLine($"train: {c.Label}");
            var steps = StepsFor(c, o.Steps);
            var s = Interleaved.Run(o, () => new() { ["img_s"] = Measure(c, o.Threads, steps, Classes) },
                capped => PyTwin.Run("train_bench.py", capped, "--layers", Str(c.Layers), "--input-size", Str(c.Size),
                    "--width", Str(c.Width), "--batch", Str(c.Batch), "--emb", Str(c.Emb), "--classes", Str(Classes),
                    "--threads", Str(o.Threads), "--steps", Str(steps)));
            rows.Add(new Comparison("train", c.Label, "img/s", true, s.Ours("img_s"), s.Theirs("img_s"), s.Capped("img_s"),
                s.Single("train_flops_per_image")));
        }
        return rows;
    }

    /// <summary>A 32 px IResNet-18 step takes ~70 ms, so 5 steps are shorter than the machine's noise: that case runs 5×
    /// the steps (both sides the same).</summary>
    internal static int StepsFor(Case c, int steps) => c == Resnet18 ? steps * 5 : steps;

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    internal static double Measure(Case c, int threads, int iters, int classes = Classes) =>
        MeasureWithCounts(c, threads, iters, classes).ImagesPerSecond;

    /// <summary>Images/s of the timed steps, and the TorchSharp tensors created per timed step (every TorchSharp call
    /// that returns a new tensor makes one: the managed→native op calls of forward, loss, gradient norm and optimiser;
    /// backward runs inside libtorch and is not counted).</summary>
    internal static (double ImagesPerSecond, double TensorsPerStep) MeasureWithCounts(Case c, int threads, int iters, int classes = Classes)
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
        return (iters * c.Batch / clock.TimedSeconds, clock.TensorsCreated / (double)iters);
    }

    /// <summary>Synchronous progress sink: time (and TorchSharp tensors created) from the end of the warm-up steps to
    /// the end of the last step.</summary>
    private sealed class StepClock(int warmup) : IProgress<TrainProgress>
    {
        private readonly Stopwatch _clock = new();
        private long _tensorsAtStart;
        public double TimedSeconds => _clock.Elapsed.TotalSeconds;
        public long TensorsCreated { get; private set; }

        public void Report(TrainProgress value)
        {
            if (value.GlobalStep == warmup)
            {
                _tensorsAtStart = OpCounter.TensorsCreated;
                _clock.Restart();
            }
            else if (value.GlobalStep == value.TotalSteps)
            {
                _clock.Stop();
                TensorsCreated = OpCounter.TensorsCreated - _tensorsAtStart;
            }
        }
    }
}
