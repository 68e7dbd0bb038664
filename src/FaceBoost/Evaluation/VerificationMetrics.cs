namespace FaceBoost.Evaluation;

/// <summary>All verification figures of one set of scored pairs (scores are cosine similarities; higher
/// means more alike): k-fold accuracy (the LFW/RFW protocol), best single-threshold accuracy, TAR at the
/// FAR targets, ROC with AUC and EER.</summary>
public sealed record VerificationMetrics(
    int Pairs, int Genuine, int Impostor,
    KFoldAccuracy KFold,
    double BestAccuracy, double BestThreshold,
    IReadOnlyList<TarAtFar> TarAtFar,
    RocCurve Roc)
{
    public double Auc => Roc.Auc;
    public double Eer => Roc.Eer;

    public static VerificationMetrics Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> same, MetricsOptions? options = null)
    {
        options ??= new MetricsOptions();
        if (scores.Count != same.Count) throw new ArgumentException($"{scores.Count} scores but {same.Count} labels");
        if (scores.Any(double.IsNaN)) throw new ArgumentException("scores contain NaN (an embedding of zeros or NaN?)");
        int gen = same.Count(s => s), imp = same.Count - gen;
        if (gen == 0 || imp == 0)
            throw new ArgumentException($"verification needs both genuine and impostor pairs (have {gen} genuine, {imp} impostor)");
        var fold = VerificationFolds.Assign(same, options.Folds, options.FoldScheme, options.Seed);
        var kfold = KFoldAccuracy.Compute(scores, same, fold, options.Folds);
        var (bt, ba) = ThresholdSearch.Best(scores.ToArray(), same.ToArray());
        var tars = options.FarTargets.Select(f => Evaluation.TarAtFar.Compute(scores, same, f)).ToArray();
        return new VerificationMetrics(scores.Count, gen, imp, kfold, ba, bt, tars, RocCurve.Compute(scores, same));
    }
}
