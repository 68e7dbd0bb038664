namespace FaceBoost.Nets;

/// <summary>What backbone to build. <see cref="Name"/>: iresnet18|34|50|100, ir18|34|50|100|152,
/// irse18|34|50|100|152, mobilefacenet. <see cref="BaseWidth"/> 64 is the published width; smaller
/// values (e.g. 16) give narrow CPU-scale variants with the same layer layout and names.</summary>
public sealed record BackboneOptions
{
    public string Name { get; init; } = "iresnet50";
    /// <summary>Square input side in pixels: 112 as published, or a reduced size divisible by 16 (32/48/64).</summary>
    public int InputSize { get; init; } = 112;
    /// <summary>3 for RGB; 6 for image ⊕ average image (the paper's encoder-initialised networks).</summary>
    public int InputChannels { get; init; } = 3;
    public int EmbeddingSize { get; init; } = 512;
    public double Dropout { get; init; }
    /// <summary>Channels of the first stage (64 published); later stages double it.</summary>
    public int BaseWidth { get; init; } = 64;

    public void Validate()
    {
        if (InputSize < 16 || InputSize % 16 != 0)
            throw new ArgumentException($"input size {InputSize} must be a positive multiple of 16 (112, 64, 48, 32): the backbones downsample 16×");
        if (InputChannels is not (3 or 6))
            throw new ArgumentException($"input channels must be 3 (image) or 6 (image ⊕ average image), not {InputChannels}");
        if (EmbeddingSize < 2) throw new ArgumentException($"embedding size {EmbeddingSize} is too small");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"dropout {Dropout} must be in [0, 1)");
        if (BaseWidth < 4 || BaseWidth % 4 != 0) throw new ArgumentException($"base width {BaseWidth} must be a multiple of 4 and ≥ 4");
    }
}
