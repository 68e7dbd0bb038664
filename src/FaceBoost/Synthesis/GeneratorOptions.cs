namespace FaceBoost.Synthesis;

/// <summary>Shape of a StyleGAN2 generator. Channel width at resolution r is min(ChannelBase / r, ChannelMax),
/// as in stylegan2-ada-pytorch; small values (e.g. 2048 / 128) give a CPU-sized network.</summary>
public sealed record GeneratorOptions(
    int Resolution,
    int ZDim = 512,
    int WDim = 512,
    int MappingLayers = 8,
    int ChannelBase = 16384,
    int ChannelMax = 512,
    float MappingLrMultiplier = 0.01f,
    float WAverageBeta = 0.995f)
{
    /// <summary>One w per modulated conv plus the final toRGB: 2·log2(R) − 2 (12 at 128, 14 at 256).</summary>
    public int NumWs => 2 * Log2Resolution - 2;

    public int Log2Resolution => (int)Math.Round(Math.Log2(Resolution));

    public int ChannelsAt(int resolution) => Math.Min(ChannelBase / resolution, ChannelMax);

    public void Validate()
    {
        if (Resolution < 8 || Resolution > 1024 || (Resolution & (Resolution - 1)) != 0)
            throw new ArgumentException($"resolution {Resolution} must be a power of two in 8…1024 (32…256 is what FaceBoost tests)");
        if (ZDim <= 0 || WDim <= 0) throw new ArgumentException($"ZDim {ZDim} and WDim {WDim} must be positive");
        if (MappingLayers < 1) throw new ArgumentException($"MappingLayers {MappingLayers} must be ≥ 1");
        if (ChannelsAt(Resolution) < 1)
            throw new ArgumentException($"ChannelBase {ChannelBase} / resolution {Resolution} leaves no channels; raise ChannelBase");
    }
}
