namespace FaceBoost.Evaluation;

/// <summary>Protocol settings for <see cref="VerificationMetrics"/>.</summary>
public sealed record MetricsOptions
{
    public VerificationProtocol Protocol { get; init; } = VerificationProtocol.Insightface;
    public int Folds { get; init; } = 10;
    public FoldScheme FoldScheme { get; init; } = FoldScheme.Consecutive;
    /// <summary>Seed of the stratified fold shuffle.</summary>
    public int Seed { get; init; }
    /// <summary>Use the folds pairs carry (<see cref="Data.VerificationPair.Fold"/>, from LFW's header) when all have one.</summary>
    public bool UseListFolds { get; init; } = true;
    public double[] FarTargets { get; init; } = [1e-2, 1e-3, 1e-4];
}
