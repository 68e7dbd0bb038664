namespace FaceBoost.Evaluation;

/// <summary>Fairness summary over groups' accuracies, as the RFW tables report: Avg, Std and the skewed
/// error ratio (SER = highest group error / lowest group error). Std is the population std (divide by
/// the number of groups): it reproduces the paper's 1.06 for 96.00/94.00/93.08/94.48, whereas the
/// sample std would give 1.22.</summary>
public sealed record GroupSummary(double Avg, double Std, double? SkewedErrorRatio, string? WorstGroup, string? BestGroup)
{
    /// <param name="accuracies">group → accuracy in [0,1].</param>
    public static GroupSummary Compute(IReadOnlyList<KeyValuePair<string, double>> accuracies)
    {
        if (accuracies.Count == 0) throw new ArgumentException("no groups to summarise");
        var accs = accuracies.Select(a => a.Value).ToArray();
        double avg = accs.Average();
        double std = Math.Sqrt(accs.Sum(a => (a - avg) * (a - avg)) / accs.Length);
        var worst = accuracies.MinBy(a => a.Value);
        var best = accuracies.MaxBy(a => a.Value);
        double maxErr = 1 - worst.Value, minErr = 1 - best.Value;
        // Undefined when the best group makes no error at all.
        double? ser = minErr > 0 ? maxErr / minErr : maxErr > 0 ? null : 1.0;
        return new GroupSummary(avg, std, ser, worst.Key, best.Key);
    }
}
