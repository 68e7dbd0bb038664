using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>2× resampling used by G and D. Simplification of stylegan2-ada's upfirdn2d (documented):
/// up-sampling is bilinear (align_corners=false), which is exactly the [1,3,3,1]/4 FIR filter with edge
/// clamping instead of zero padding; down-sampling is the separable [1,3,3,1] FIR low-pass, stride 2.</summary>
public static class Resampling
{
    public static Tensor Upsample2x(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>[1,3,3,1]⊗[1,3,3,1]/64 low-pass with stride 2 (zero padding 1): H×W → H/2×W/2, written as
    /// strided slices (separable) instead of a depthwise conv, whose CPU backward gave intermittent NaN here.</summary>
    public static Tensor Downsample2x(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = Fir1d(nn.functional.pad(x, [1, 1, 1, 1]), 3);
        y = Fir1d(y, 2);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Along `dim` (padded length L+2): out[b] = (x[2b] + 3x[2b+1] + 3x[2b+2] + x[2b+3]) / 8.</summary>
    private static Tensor Fir1d(Tensor xp, int dim)
    {
        var len = xp.shape[dim] - 2;
        Tensor Take(int offset) => xp.narrow(dim, offset, len - 1).unfold(dim, 1, 2).squeeze(-1);
        return Take(0).add(Take(1).mul(Scalars.Three), Scalars.One).add(Take(2).mul(Scalars.Three), Scalars.One)
            .add(Take(3), Scalars.One).div(Scalars.Eight);
    }
}
