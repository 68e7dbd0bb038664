using System.Runtime.InteropServices;

namespace FaceBoost.Runtime;

/// <summary>Turns libtorch's oneDNN (mkldnn) CPU kernels on or off (PyTorch's torch.backends.mkldnn.enabled,
/// which TorchSharp 0.107 does not expose). Off by default; FACEBOOST_ONEDNN=1 turns it on. A plain conv block
/// matches the ATen kernels with oneDNN on (bench `onednn-nan`, tests/…/Runtime/OneDnnGradientTests), but with
/// oneDNN on the GAN's R1 penalty and the encoder/transfer training give NaN on this CPU (AVX-512, oneDNN 3.7.1),
/// and are finite with it off: see bench/results/onednn-nan.md.</summary>
public static class OneDnnSwitch
{
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    /// <summary>With oneDNN off, libtorch tries NNPACK for convolutions; on CPUs NNPACK does not support it logs
    /// "Could not initialize NNPACK" on every conv. FaceBoost turns it off (the ATen kernels are used instead).</summary>
    public static bool TrySetNnpack(bool enabled)
    {
        try
        {
            SetUserEnabledNnpack(GlobalContext(), enabled);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>True only when FACEBOOST_ONEDNN is "1" (or "on"/"true"): oneDNN is off by default.</summary>
    public static bool RequestedByEnvironment =>
        Environment.GetEnvironmentVariable("FACEBOOST_ONEDNN")?.Trim().ToLowerInvariant() is "1" or "on" or "true";

    /// <summary>Returns false if the symbols are not there (another libtorch build): then nothing changes.</summary>
    public static bool TrySet(bool enabled)
    {
        try
        {
            SetUserEnabledMkldnn(GlobalContext(), enabled);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    public static bool? Enabled
    {
        get
        {
            try { return UserEnabledMkldnn(GlobalContext()); }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException) { return null; }
        }
    }
}
