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
                // oneDNN (the fast conv kernels, PyTorch's default) stays on unless FACEBOOST_ONEDNN=0; see OneDnnSwitch.
                OneDnnSwitch.TrySet(OneDnnSwitch.RequestedByEnvironment);
                if (Environment.GetEnvironmentVariable("FACEBOOST_NNPACK") != "1") OneDnnSwitch.TrySetNnpack(false);
                // Freed tensor buffers stay in the heap for the next step instead of being faulted in again; see MallocTuning.
                if (MallocTuning.RequestedByEnvironment) MallocTuning.TryApply();
                _ready = true;
            }
            if (threads > 0) torch.set_num_threads(threads);
        }
    }

    public static string Describe() =>
        $"libtorch {torch.__version__}, threads {torch.get_num_threads()}, oneDNN " +
        $"{(OneDnnSwitch.Enabled switch { true => "on", false => "off", null => "unknown" })}, malloc tuned {(MallocTuning.Applied ? "yes" : "no")}, cuda {(torch.cuda.is_available() ? "yes" : "no")}";
}
