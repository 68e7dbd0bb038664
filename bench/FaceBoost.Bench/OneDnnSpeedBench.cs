using FaceBoost.Runtime;

namespace FaceBoost.Bench;

/// <summary>`onednn-speed`: the same recognition training steps (<see cref="TrainBench.Measure"/>: the real trainer on
/// in-memory batches) with libtorch's oneDNN kernels on and off, alternating in one process so load changes hit both.
/// It decides FaceBoost's default kernels together with `onednn-nan` (correctness). Writes bench/results/onednn-speed.md.
/// Args: [repeats] [steps] [--threads N].</summary>
public sealed class OneDnnSpeedBench : IBenchmark
{
    public string Name => "onednn-speed";
    public string Description => "recognition training img/s with oneDNN on vs off (ATen), alternating in one process";

    public int Run(string[] args)
    {
        var o = BenchOptions.Parse(args, repeats: 3, steps: 4);
        TorchRuntime.Initialize(o.Threads);
        var md = "# oneDNN on vs off: FaceBoost recognition training throughput\n\n" + BenchReport.RunLine() + "\n\n" +
                 $"`dotnet run -c Release --project bench/FaceBoost.Bench -- onednn-speed {string.Join(' ', o.ToArgs())}`\n\n";
        md += "| case | oneDNN on img/s | oneDNN off (ATen) img/s | on ÷ off |\n|---|---:|---:|---:|\n";
        foreach (var c in new[] { TrainBench.Resnet18, TrainBench.Resnet50 })
            md += Alternating.Row(c.Label, o.Repeats,
                ("on", () => { OneDnnSwitch.TrySet(true); return TrainBench.Measure(c, o.Threads, o.Steps); }),
                ("off", () => { OneDnnSwitch.TrySet(false); return TrainBench.Measure(c, o.Threads, o.Steps); }));
        OneDnnSwitch.TrySet(OneDnnSwitch.RequestedByEnvironment);
        md += $"\nEach measurement: 2 warm-up steps, then {o.Steps} timed steps of the real RecognitionTrainer (ArcFace, SGD, " +
              "gradient norm), 1000 classes, random in-memory batches; cells are median (min–max) over repeats.\n";
        Console.Write(md);
        BenchReport.Write("onednn-speed.md", md);
        return 0;
    }
}
