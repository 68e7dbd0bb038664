using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>Mean squared pixel error between a reconstruction and its target (pSp's "l2" term).</summary>
public static class PixelL2Loss
{
    public static Tensor Compute(Tensor reconstruction, Tensor target)
    {
        ShapeGuard.SameImages(reconstruction, target, nameof(PixelL2Loss));
        return nn.functional.mse_loss(reconstruction, target);
    }
}
