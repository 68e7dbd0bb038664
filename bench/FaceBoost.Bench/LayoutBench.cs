using FaceBoost.Runtime;

namespace FaceBoost.Bench;

/// <summary>`layout`: the same training steps with the conv weights in NHWC (channels_last, FaceBoost's default) and in
/// NCHW (FACEBOOST_CHANNELS_LAST=0), alternating in one process so load changes hit both: the real recognition trainer
/// (<see cref="TrainBench.Measure"/>) and the encoder step of <see cref="EncoderBench"/>. Writes bench/results/layout.md.
/// Args: [repeats] [steps] [--threads N].</summary>
public sealed class LayoutBench : IBenchmark
{
    public string Name => "layout";
    public string Description => "training img/s with conv weights channels_last (NHWC) vs NCHW, alternating in one process";

    private const string Variable = "FACEBOOST_CHANNELS_LAST";

    public int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, repeats: 3, steps: 4);
        TorchRuntime.Initialize(o.Threads);
        var before = Environment.GetEnvironmentVariable(Variable);
        var md = "# Memory layout: conv weights NHWC (channels_last) vs NCHW, FaceBoost training throughput\n\n" + BenchReport.RunLine() + "\n\n" +
                 $"`dotnet run -c Release --project bench/FaceBoost.Bench -- layout {string.Join(' ', o.ToArgs())}`\n\n";
        md += "| case | NHWC img/s | NCHW img/s | NHWC ÷ NCHW |\n|---|---:|---:|---:|\n";
        var cases = new (string Label, Func<double> Measure)[]
        {
            (TrainBench.Resnet18.Label, () => TrainBench.Measure(TrainBench.Resnet18, o.Threads, o.Steps)),
            (TrainBench.Resnet50.Label, () => TrainBench.Measure(TrainBench.Resnet50, o.Threads, o.Steps)),
            ($"pSp encoder IR-SE-18 w32 @{EncoderBench.Size}, batch {EncoderBench.Batch}", () =>
            {
                using var step = new EncoderBench.Step();
                return step.Time(o.Steps);
            }),
        };
        try
        {
            foreach (var (label, measure) in cases)
                md += Alternating.Row(label, o.Repeats,
                    ("NHWC", () => { Environment.SetEnvironmentVariable(Variable, "1"); return measure(); }),
                    ("NCHW", () => { Environment.SetEnvironmentVariable(Variable, "0"); return measure(); }));
        }
        finally { Environment.SetEnvironmentVariable(Variable, before); }
        md += $"\nEach recognition measurement: 2 warm-up steps, then {o.Steps} timed steps of the real RecognitionTrainer (ArcFace, " +
              $"SGD, gradient norm), 1000 classes, random in-memory batches; the encoder: 3 warm-up + {o.Steps} timed steps. " +
              "NHWC = ChannelsLast.Apply on the net's 4-D weights (the trainers' default), so every conv after the first runs " +
              "oneDNN in NHWC without reordering; cells are median (min–max) over repeats.\n";
        Console.Write(md);
        BenchReport.Write("layout.md", md);
        return 0;
    }
}
