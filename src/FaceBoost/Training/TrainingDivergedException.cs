namespace FaceBoost.Training;

/// <summary>The one divergence error of every trainer: a loss, gradient or weight became NaN/Inf; the run stopped
/// without writing the bad weights, and <see cref="LastGoodCheckpoint"/> (if any) is the newest checkpoint.</summary>
public sealed class TrainingDivergedException(string message, string? lastGoodCheckpoint = null) : Exception(message)
{
    public string? LastGoodCheckpoint { get; } = lastGoodCheckpoint;
}
