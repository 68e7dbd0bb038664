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

    /// <summary>[1,3,3,1]⊗[1,3,3,1]/64 depthwise filter with stride 2: H×W → H/2×W/2.</summary>
    public static Tensor Downsample2x(Tensor x)
    {
        using var scope = NewDisposeScope();
        var c = x.shape[1];
        var f = tensor(new double[] { 1, 3, 3, 1 }, dtype: x.dtype, device: x.device);
        var k = outer(f, f) / 64.0;
        var w = k.reshape(1, 1, 4, 4).expand(c, 1, 4, 4);
        return nn.functional.conv2d(x, w, strides: [2, 2], padding: [1, 1], groups: c).MoveToOuterDisposeScope();
    }
}
