using FaceBoost.Runtime;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>pSp's w-norm: mean over the batch of the L2 norm of (W+ − mean w), keeping codes near the
/// generator's well-behaved region. Weight 0 in the paper, available for experiments.</summary>
public static class WNormLoss
{
    /// <param name="ws">N×NumWs×WDim codes.</param>
    /// <param name="meanW">WDim (or 1×WDim / NumWs×WDim) mean latent.</param>
    public static Tensor Compute(Tensor ws, Tensor meanW)
    {
        if (ws.dim() != 3) throw new ArgumentException($"w-norm: expected N×NumWs×WDim codes, got [{string.Join(",", ws.shape)}]");
        var delta = ws - meanW.reshape(1, -1, ws.shape[2]);
        return delta.pow(Scalars.Two).sum(new long[] { 1, 2 }).sqrt().mean();
    }
}
