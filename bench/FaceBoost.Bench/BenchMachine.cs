using FaceBoost.Runtime;
using TorchSharp;

namespace FaceBoost.Bench;

/// <summary>What every bench prints and writes first: the CPU, and FaceBoost's backend settings.</summary>
public static class BenchMachine
{
    public static string Cpu { get; } = ReadCpu();

    /// <summary>CPU model, logical cores and the widest vector ISA the kernel reports.</summary>
    public static string Describe() => $"machine: {Cpu}, {Environment.ProcessorCount} logical cores, {Isa()}";

    /// <summary>FaceBoost's side: libtorch version, intra-/inter-op threads, oneDNN on/off, ISA cap, conv layout, malloc tuning.</summary>
    public static string FaceBoostBackend() =>
        $"FaceBoost: TorchSharp 0.107.0 + libtorch {torch.__version__}, intra-op threads {torch.get_num_threads()}, " +
        $"inter-op threads {torch.get_num_interop_threads()}, oneDNN {(OneDnnSwitch.Enabled switch { true => "on", false => "off", null => "unknown" })}, " +
        $"ONEDNN_MAX_CPU_ISA {Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? "unset"}, " +
        $"channels_last {(ChannelsLast.Enabled ? "on" : "off")}, malloc tuned {(MallocTuning.Applied ? "yes" : "no")}";

    private static string ReadCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return "unknown CPU"; }
        catch (UnauthorizedAccessException) { return "unknown CPU"; }
    }

    private static string Isa()
    {
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            var set = flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return set.Contains("avx512f") ? "AVX-512" : set.Contains("avx2") ? "AVX2" : set.Contains("avx") ? "AVX" : "SSE";
        }
        catch (IOException) { return "ISA unknown"; }
    }
}
