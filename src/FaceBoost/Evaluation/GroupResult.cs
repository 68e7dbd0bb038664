namespace FaceBoost.Evaluation;

/// <summary>Metrics of one group's pairs (e.g. RFW "African").</summary>
public sealed record GroupResult(string Name, VerificationMetrics Metrics, int ExcludedPairs);
