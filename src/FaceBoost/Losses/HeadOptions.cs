namespace FaceBoost.Losses;

/// <summary>Which margin head and loss to train with. Loss: arcface | cosface | combined | softmax.
/// Unset scale/margins take the presets (ArcFace s=64 m=0.5; CosFace s=64 m=0.4; combined s=64 (1, 0.3, 0.2)).</summary>
public sealed record HeadOptions
{
    public string Loss { get; init; } = "arcface";
    public double? Scale { get; init; }
    /// <summary>The single margin of arcface (m2) or cosface (m3).</summary>
    public double? Margin { get; init; }
    public double M1 { get; init; } = 1.0;
    public double M2 { get; init; } = 0.3;
    public double M3 { get; init; } = 0.2;
    public bool EasyMargin { get; init; }
    public double FocalGamma { get; init; }

    public ClassifierHead CreateHead(int embeddingSize, int numClasses) => Loss.ToLowerInvariant() switch
    {
        "arcface" => CombinedMarginHead.ArcFace(embeddingSize, numClasses, Scale ?? 64, Margin ?? 0.5, EasyMargin),
        "cosface" => CombinedMarginHead.CosFace(embeddingSize, numClasses, Scale ?? 64, Margin ?? 0.4),
        "combined" => new CombinedMarginHead(embeddingSize, numClasses, Scale ?? 64, M1, M2, M3, EasyMargin),
        "softmax" => new SoftmaxHead(embeddingSize, numClasses),
        _ => throw new ArgumentException($"unknown loss '{Loss}'; use arcface, cosface, combined or softmax"),
    };

    public ClassificationLoss CreateLoss() => new(FocalGamma);
}
