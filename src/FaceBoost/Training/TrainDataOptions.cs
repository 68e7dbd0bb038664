namespace FaceBoost.Training;

/// <summary>Where the labelled faces come from and how they are sampled (resolved into options.json).</summary>
public sealed record TrainDataOptions
{
    /// <summary>A folder of identity sub-folders, or a list file ("&lt;path&gt; &lt;identity&gt;" lines).</summary>
    public string? Path { get; init; }
    public string? ListFile { get; init; }
    /// <summary>Fraction of identities kept (1 %/10 % label budgets).</summary>
    public double LabelFraction { get; init; } = 1.0;
    public int? ImagesPerIdentity { get; init; }
    public int Workers { get; init; } = 2;
    /// <summary>Resize before the random crop (paper: 128 → crop 112); null trains on a plain resize.</summary>
    public int? ResizeTo { get; init; }
    public double HorizontalFlip { get; init; } = 0.5;
}
