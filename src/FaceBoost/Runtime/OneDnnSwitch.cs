using System.Runtime.InteropServices;

namespace FaceBoost.Runtime;

/// <summary>Turns libtorch's oneDNN (mkldnn) CPU kernels on or off (PyTorch's torch.backends.mkldnn.enabled,
/// which TorchSharp 0.107 does not expose). On by default, as in PyTorch: it trains 1.6–1.75× faster than the native ATen
/// kernels here (bench `onednn-speed`), and its gradients match ATen's on the conv block, the R1 double backward and a
/// frozen body (bench `onednn-nan`, tests/…/Runtime/OneDnnGradientTests; the whole test suite passes with it on).
/// The training NaNs that once had it switched off no longer reproduce (bench/results/onednn-nan.md).
/// FACEBOOST_ONEDNN=0 turns it off.</summary>
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

    /// <summary>False only when FACEBOOST_ONEDNN is "0" (or "off"/"false"): oneDNN is on by default.</summary>
    public static bool RequestedByEnvironment =>
        Environment.GetEnvironmentVariable("FACEBOOST_ONEDNN")?.Trim().ToLowerInvariant() is not ("0" or "off" or "false");

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
