namespace FaceBoost.Evaluation;

/// <summary>How a model file is opened as an <see cref="IFaceEmbedder"/>. Null fields mean "use what the
/// model says, else the insightface defaults": (p − 127.5) / 128 on 0–255 pixels, RGB, NCHW.</summary>
public sealed record EmbedderOptions
{
    /// <summary>Input side; required when the model's input size is dynamic, checked when it is static.</summary>
    public int? InputSize { get; init; }
    /// <summary>Per-channel mean in pixel units (0–255), one value or three (in the model's channel order).</summary>
    public float[] Mean { get; init; } = [127.5f];
    /// <summary>Per-channel std in pixel units (0–255), one value or three.</summary>
    public float[] Std { get; init; } = [128f];
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;
    /// <summary>Null: inferred from the model's input shape (channel dim of size 3), NCHW when ambiguous.</summary>
    public TensorLayout? Layout { get; init; }
    public int BatchSize { get; init; } = 32;
    /// <summary>Intra-op threads for the runtime; 0 lets it decide.</summary>
    public int Threads { get; init; }
}
