using System.Runtime.InteropServices;

namespace FaceBoost.Synthesis;

/// <summary>On this machine (AVX-512 CPU, libtorch-cpu 2.10 via TorchSharp 0.107) oneDNN's AVX2/AVX-512 float32
/// conv backward intermittently returned NaN input gradients for the small GAN networks (caught with
/// detect_anomaly: "ConvolutionBackward0 returned nan values in its 0th output"; float64, which bypasses
/// oneDNN, is exact). Capping oneDNN to SSE4.1 removed every NaN in repeated trials. The cap must be set before
/// the first oneDNN primitive is created, so GAN entry points call <see cref="Apply"/> first. Set
/// ONEDNN_MAX_CPU_ISA yourself (e.g. to ALL) to override.</summary>
public static class OneDnnWorkaround
{
    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"))) return;
        setenv("ONEDNN_MAX_CPU_ISA", "SSE41", 0);
        Environment.SetEnvironmentVariable("ONEDNN_MAX_CPU_ISA", "SSE41");
    }
}
