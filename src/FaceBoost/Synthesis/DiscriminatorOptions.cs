namespace FaceBoost.Synthesis;

/// <summary>Shape of the residual StyleGAN2 discriminator; channel widths mirror the generator's.</summary>
public sealed record DiscriminatorOptions(
    int Resolution,
    int ChannelBase = 16384,
    int ChannelMax = 512,
    int MbstdGroupSize = 4,
    int MbstdChannels = 1)
{
    public int ChannelsAt(int resolution) => Math.Min(ChannelBase / resolution, ChannelMax);

    public static DiscriminatorOptions MatchingGenerator(GeneratorOptions g) => new(g.Resolution, g.ChannelBase, g.ChannelMax);
}
