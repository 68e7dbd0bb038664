using System.Text.Json;
using System.Text.Json.Serialization;
using FaceBoost.Losses;
using FaceBoost.Nets;

namespace FaceBoost.Training;

/// <summary>The JSON header of a recognition checkpoint: where training stands and how to rebuild the model.
/// Position: the next step to run is batch <see cref="NextBatch"/> of epoch <see cref="Epoch"/>.</summary>
public sealed record CheckpointHeader
{
    public const string KindName = "faceboost.recognition";
    public string Kind { get; init; } = KindName;
    public int Format { get; init; } = 1;
    public int Epoch { get; init; }
    public int NextBatch { get; init; }
    public long GlobalStep { get; init; }
    public int NumClasses { get; init; }
    public BackboneOptions Backbone { get; init; } = new();
    public HeadOptions Head { get; init; } = new();
    public string OptimizerKind { get; init; } = "sgd";
    public float NormalizeMean { get; init; } = 0.5f;
    public float NormalizeStd { get; init; } = 0.5f;
    public double LearningRate { get; init; }
    public double Loss { get; init; }
    public int Seed { get; init; }
    public int Threads { get; init; }
    public IReadOnlyList<string>? Identities { get; init; }
    public DateTime SavedUtc { get; init; } = DateTime.UtcNow;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
