using TorchSharp;

namespace FaceBoost.Runtime;

/// <summary>One place that brings libtorch up, so every entry point fails the same clear way.</summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _ready;

    /// <summary>Loads the native backend and sets the intra-op thread count (0 = libtorch default).</summary>
    public static void Initialize(int threads = 0)
    {
        lock (Gate)
        {
            if (!_ready)
            {
                CapOneDnnIsa();
                try
                {
                    // Any op forces TorchSharp to load libLibTorchSharp + libtorch.
                    using var probe = torch.zeros(1);
                }
                catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException or TypeInitializationException)
                {
                    throw new InvalidOperationException(
                        "libtorch could not be loaded. On Debian 12 this usually means libLibTorchSharp.so in the " +
                        "output folder was not patched for GLIBCXX_3.4.32 (build/TorchSharpNative.targets runs after " +
                        "every build and publish); rebuild with 'dotnet build'. Original error: " + ex.Message, ex);
                }
                // oneDNN's multi-threaded conv backward gives random NaN gradients here (see OneDnnSwitch).
                if (Environment.GetEnvironmentVariable("FACEBOOST_ONEDNN") != "1") OneDnnSwitch.TrySet(false);
                if (Environment.GetEnvironmentVariable("FACEBOOST_NNPACK") != "1") OneDnnSwitch.TrySetNnpack(false);
                _ready = true;
            }
            if (threads > 0) torch.set_num_threads(threads);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Second line of defence for users who turn oneDNN back on (FACEBOOST_ONEDNN=1): its AVX2/AVX-512
    /// float32 conv backward gave intermittent NaN input gradients in the GAN networks on this stack, the SSE4.1
    /// kernels none in repeated trials. oneDNN reads the cap once, before its first primitive, so it is set
    /// before libtorch runs anything; an ONEDNN_MAX_CPU_ISA of the user's own wins.</summary>
    private static void CapOneDnnIsa()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"))) return;
        try { SetEnv("ONEDNN_MAX_CPU_ISA", "SSE41", 0); } catch (EntryPointNotFoundException) { }
        Environment.SetEnvironmentVariable("ONEDNN_MAX_CPU_ISA", "SSE41");
    }

    public static string Describe() =>
        $"libtorch {torch.__version__}, threads {torch.get_num_threads()}, cuda {(torch.cuda.is_available() ? "yes" : "no")}";
}
