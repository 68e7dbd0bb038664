namespace FaceBoost.Experiments;

/// <summary>Verification figures of one model on one evaluation set (overall or one group).</summary>
public sealed record VerificationFigures(
    double Accuracy, double AccuracyStd, double TarAtFar1e2, double TarAtFar1e3, double Auc, double Eer, int Pairs);

/// <summary>One trained recognition model (arm × label fraction × seed) evaluated on one set.</summary>
public sealed record ArmResult(
    string Arm, double LabelFraction, int Seed, string EvalSet,
    VerificationFigures Overall, IReadOnlyDictionary<string, VerificationFigures> Groups,
    string? RocPng = null, int LabeledIdentities = 0, int LabeledImages = 0);
