using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Runtime;

/// <summary>The NHWC ("channels_last") memory layout for 4-D tensors, which TorchSharp 0.107 cannot name: a tensor
/// whose strides put the channels innermost is what libtorch calls channels_last. When a convolution's weight has that
/// layout, libtorch runs its oneDNN kernels in NHWC and every activation after it stays NHWC, so no conv reorders its
/// input and output to and from NCHW on each call (bench `layout`: recognition steps 1.12× at 32 px and 1.22× at 112 px, the encoder 1.10×).
/// Only strides change: shapes, indexing, values and checkpoints (written contiguous) are the same N×C×H×W tensors.
/// On by default for the conv nets that train (backbone, encoder); FACEBOOST_CHANNELS_LAST=0 turns it off.</summary>
public static class ChannelsLast
{
    /// <summary>False only when FACEBOOST_CHANNELS_LAST is "0" (or "off"/"false").</summary>
    public static bool Enabled =>
        Environment.GetEnvironmentVariable("FACEBOOST_CHANNELS_LAST")?.Trim().ToLowerInvariant() is not ("0" or "off" or "false");

    /// <summary>True when <paramref name="t"/> is 4-D and its memory is dense NHWC (a 1×1 or 1-channel tensor counts).</summary>
    public static bool Is(Tensor t)
    {
        if (t.dim() != 4) return false;
        var (size, stride) = (t.shape, t.stride());
        long expected = 1;
        foreach (var d in new[] { 1, 3, 2, 0 }) // innermost first: C, W, H, N
        {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    /// <summary>A channels_last copy of a 4-D tensor (the tensor itself, aliased, if it already is one).</summary>
    public static Tensor Of(Tensor t)
    {
        if (t.dim() != 4) throw new ArgumentException($"channels_last needs a 4-D tensor, got [{string.Join("×", t.shape)}]");
        if (Is(t)) return t.alias();
        using var scope = NewDisposeScope();
        return t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Re-lays every 4-D parameter (conv weights) of <paramref name="module"/> out as channels_last in place, so
    /// the Parameter objects an optimizer holds stay the same. Does nothing when <see cref="Enabled"/> is off.
    /// Returns how many tensors changed layout.</summary>
    public static int Apply(nn.Module module)
    {
        if (!Enabled) return 0;
        int n = 0;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var p in module.parameters())
        {
            if (p.dim() != 4 || Is(p)) continue;
            p.set_(Of(p));
            n++;
        }
        return n;
    }
}
