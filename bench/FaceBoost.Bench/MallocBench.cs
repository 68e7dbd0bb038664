using System.Diagnostics;
using System.Globalization;
using FaceBoost.Runtime;

namespace FaceBoost.Bench;

/// <summary>`malloc`: recognition training img/s with FaceBoost's glibc malloc thresholds (<see cref="MallocTuning"/>,
/// the default) and with glibc's defaults (FACEBOOST_MALLOC_TUNING=0). The setting is per process, so each measurement
/// is a child process of this bench (`malloc --child`), alternating. Writes bench/results/malloc.md. Args: [repeats] [steps] [--threads N].</summary>
public sealed class MallocBench : IBenchmark
{
    public string Name => "malloc";
    public string Description => "recognition training img/s with FaceBoost's malloc thresholds vs glibc defaults (child processes, alternating)";

    public int Run(string[] args)
    {
        if (args is ["--child", .. var childArgs]) return RunChild(childArgs);
        var o = BenchOptions.Parse(args, repeats: 3, steps: 30);
        TorchRuntime.Initialize(o.Threads);
        var md = "# glibc malloc thresholds: FaceBoost recognition training throughput\n\n" + BenchReport.RunLine() + "\n\n" +
                 $"`dotnet run -c Release --project bench/FaceBoost.Bench -- malloc {string.Join(' ', o.ToArgs())}`\n\n";
        md += "| case | tuned img/s | glibc defaults img/s | tuned ÷ defaults |\n|---|---:|---:|---:|\n";
        foreach (var (key, c, steps) in new[] { ("r18", TrainBench.Resnet18, o.Steps), ("r50", TrainBench.Resnet50, Math.Max(2, o.Steps / 10)) })
            md += Alternating.Row($"{c.Label} ({steps} timed steps)", o.Repeats,
                ("tuned", () => Child(key, steps, o.Threads, tuning: true)), ("defaults", () => Child(key, steps, o.Threads, tuning: false)));
        md += "\nEach cell: one child process running the real RecognitionTrainer (2 warm-up steps, then the timed steps; ArcFace, " +
              "SGD, gradient norm, 1000 classes, random in-memory batches); median (min–max) over repeats. Tuned = mmap " +
              $"threshold {MallocTuning.MmapThresholdBytes >> 20} MB, trim threshold {MallocTuning.TrimThresholdBytes >> 20} MB, " +
              $"top pad {MallocTuning.TopPadBytes >> 20} MB (mallopt at start-up), so freed tensor buffers are reused instead " +
              "of being unmapped and faulted in again each step. The PyTorch twin runs with glibc's defaults (as its users run it).\n" +
              "\nHow it was found: `perf record -g` of 150 IResNet-18 w16 @32 training steps (2 threads, glibc defaults) put 17 % " +
              "of the samples in the kernel (exc_page_fault, do_anonymous_page, clear_page, unmap_page_range, brk) against 35 % in " +
              "libtorch_cpu, 20 % in oneDNN's JIT conv kernels and 21 % in libgomp (OpenMP threads spinning at barriers); the " +
              "top libtorch symbol was prelu_backward (12 %, a scalar TensorIterator loop, as in PyTorch).\n";
        Console.Write(md);
        BenchReport.Write("malloc.md", md);
        return 0;
    }

    private static double Child(string key, int steps, int threads, bool tuning)
    {
        var psi = Alternating.Self(["malloc", "--child", key, steps.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)]);
        psi.Environment["FACEBOOST_MALLOC_TUNING"] = tuning ? "1" : "0";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"malloc child exited with {p.ExitCode}: {output}");
        return double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>One measurement in this process's malloc setting (args: r18|r50 steps threads); prints img/s.</summary>
    private static int RunChild(string[] args)
    {
        var c = args[0] == "r50" ? TrainBench.Resnet50 : TrainBench.Resnet18;
        var threads = int.Parse(args[2], CultureInfo.InvariantCulture);
        TorchRuntime.Initialize(threads);
        Console.WriteLine(TrainBench.Measure(c, threads, int.Parse(args[1], CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }
}
