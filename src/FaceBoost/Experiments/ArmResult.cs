namespace FaceBoost.Experiments;

/// <summary>Verification figures of one model on one evaluation set (overall or one group). A figure that cannot be
/// computed (too few impostors for a FAR, a ROC without an equal-error point) is null, never NaN.</summary>
public sealed record VerificationFigures(
    double Accuracy, double AccuracyStd, double? TarAtFar1e2, double? TarAtFar1e3, double Auc, double? Eer, int Pairs);

/// <summary>One trained recognition model (arm × label fraction × seed) evaluated on one set.</summary>
public sealed record ArmResult(
    string Arm, double LabelFraction, int Seed, string EvalSet,
    VerificationFigures Overall, IReadOnlyDictionary<string, VerificationFigures> Groups,
    string? RocCsv = null, int LabeledIdentities = 0, int LabeledImages = 0)
{
    /// <summary>The name <see cref="RocCsv"/> had in stage results written before (it always named a CSV); read, never written.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("rocPng")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RocPngLegacy
    {
        get => null;
        init { if (value is not null && RocCsv is null) RocCsv = value; }
    }
}
