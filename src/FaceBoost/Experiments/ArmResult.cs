namespace FaceBoost.Experiments;

/// <summary>Verification figures of one model on one evaluation set (overall or one group). A figure that cannot be
/// computed (too few impostors for a FAR, a ROC without an equal-error point) is null, never NaN.</summary>
public sealed record VerificationFigures(
    double Accuracy, double AccuracyStd, double? TarAtFar1e2, double? TarAtFar1e3, double Auc, double? Eer, int Pairs)
{
    /// <summary>The mean of several models' figures on the same pairs (a figure is null when any of them is).</summary>
    public static VerificationFigures Mean(IReadOnlyList<VerificationFigures> xs)
    {
        static double? M(IEnumerable<double?> v) { var l = v.ToList(); return l.Any(x => x is null) ? null : l.Average(x => x!.Value); }
        return new(xs.Average(x => x.Accuracy), xs.Average(x => x.AccuracyStd), M(xs.Select(x => x.TarAtFar1e2)),
            M(xs.Select(x => x.TarAtFar1e3)), xs.Average(x => x.Auc), M(xs.Select(x => x.Eer)), xs[0].Pairs);
    }
}

/// <summary>One trained recognition model (arm × label fraction × seed) evaluated on one set.</summary>
/// <param name="Draw">The pretraining draw the model started from (<see cref="ExperimentConfig.PretrainDraws"/>; 0 for scratch).</param>
public sealed record ArmResult(
    string Arm, double LabelFraction, int Seed, string EvalSet,
    VerificationFigures Overall, IReadOnlyDictionary<string, VerificationFigures> Groups,
    string? RocCsv = null, int LabeledIdentities = 0, int LabeledImages = 0, int Draw = 0)
{
    /// <summary>One seed's models from several pretraining draws (<see cref="ExperimentConfig.CrossDraws"/>) as one
    /// result: their figures averaged, so the seed stays the unit of the paired statistics.</summary>
    public static ArmResult MeanOverDraws(IReadOnlyList<ArmResult> sameSeed)
    {
        if (sameSeed.Count == 1) return sameSeed[0];
        var first = sameSeed[0];
        var groups = first.Groups.Keys.Where(g => sameSeed.All(r => r.Groups.ContainsKey(g)))
            .ToDictionary(g => g, g => VerificationFigures.Mean(sameSeed.Select(r => r.Groups[g]).ToList()));
        return first with { Overall = VerificationFigures.Mean(sameSeed.Select(r => r.Overall).ToList()), Groups = groups };
    }

    /// <summary>The name <see cref="RocCsv"/> had in stage results written before (it always named a CSV); read, never written.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("rocPng")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RocPngLegacy
    {
        get => null;
        init { if (value is not null && RocCsv is null) RocCsv = value; }
    }
}
