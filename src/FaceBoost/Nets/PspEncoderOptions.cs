namespace FaceBoost.Nets;

/// <summary>How the style head turns the body's last feature map into W+.</summary>
public enum StyleHead
{
    /// <summary>pSp's output_pool (global average) + one EqualLinear to NumWs·WDim: cheap, the CPU default.</summary>
    Pool,
    /// <summary>ReStyle BackboneEncoder: one GradualStyleBlock per style layer (the paper's head).</summary>
    Gradual,
}

/// <summary>Shape of a pSp/ReStyle BackboneEncoder.</summary>
/// <param name="NumLayers">IR-SE depth: 50 (paper), 100, 152, or the small CPU forms 18/34.</param>
/// <param name="Mode">"ir_se" (paper) or "ir".</param>
/// <param name="Width">Channels of the first stage (64 in IR-SE-50; smaller for CPU runs); stages are ×1, ×2, ×4, ×8.</param>
/// <param name="InputSize">Image side fed to the encoder (112 in the paper; 32–64 on CPU).</param>
/// <param name="NumWs">Style layers of the generator (14 at 128 px).</param>
/// <param name="WDim">Latent width of the generator (512).</param>
public sealed record PspEncoderOptions(
    int NumLayers = 50,
    string Mode = "ir_se",
    int Width = 64,
    int InputSize = 112,
    int NumWs = 14,
    int WDim = 512,
    StyleHead Head = StyleHead.Pool)
{
    /// <summary>Image ⊕ average image (or last reconstruction, for ReStyle iterations).</summary>
    public const int InputChannels = 6;

    /// <summary>Side of the body's last feature map (four stride-2 stages).</summary>
    public int FeatureSize => InputSize / 16;

    public void Validate()
    {
        if (Mode is not ("ir" or "ir_se")) throw new ArgumentException($"encoder mode must be ir or ir_se, got '{Mode}'");
        if (InputSize < 16 || InputSize % 16 != 0) throw new ArgumentException($"encoder input size must be a multiple of 16 (≥ 16), got {InputSize}");
        if (Width < 4) throw new ArgumentException($"encoder width must be ≥ 4, got {Width}");
        if (NumWs < 1 || WDim < 1) throw new ArgumentException($"bad W+ shape {NumWs}×{WDim}");
        if (Head == StyleHead.Gradual && (FeatureSize & (FeatureSize - 1)) != 0)
            throw new ArgumentException($"the gradual head needs a power-of-two feature map; input {InputSize} gives {FeatureSize}");
    }
}
