using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>What inversion needs from a frozen StyleGAN generator (the Synthesis module adapts to it).</summary>
public interface ILatentGenerator
{
    int NumWs { get; }
    int WDim { get; }
    /// <summary>Mean w (WDim), the start point of every inversion.</summary>
    Tensor MeanW { get; }
    /// <summary>N×NumWs×WDim → N×3×R×R in [-1, 1], deterministic (constant noise).</summary>
    Tensor Synthesize(Tensor ws);
}
