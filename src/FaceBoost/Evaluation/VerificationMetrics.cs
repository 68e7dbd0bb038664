namespace FaceBoost.Evaluation;

/// <summary>All verification figures of one set of scored pairs (scores are cosine similarities; higher
/// means more alike): k-fold accuracy (the LFW/RFW protocol), best single-threshold accuracy, TAR at the
/// FAR targets, ROC with AUC and EER. <see cref="Protocol"/> made the k-fold accuracy and TAR@FAR; best
/// accuracy, AUC and EER are exact in both protocols.</summary>
public sealed record VerificationMetrics(
    int Pairs, int Genuine, int Impostor,
    KFoldAccuracy KFold,
    double BestAccuracy, double BestThreshold,
    IReadOnlyList<TarAtFar> TarAtFar,
    RocCurve Roc)
{
    public double Auc => Roc.Auc;
    public double Eer => Roc.Eer;
    public VerificationProtocol Protocol { get; init; } = VerificationProtocol.Exact;
    /// <summary>Fold (0..k−1) of each input pair, as used.</summary>
    public int[] Folds { get; init; } = [];
    /// <summary>Test folds holding only genuine or only impostor pairs: their accuracy says little (e.g.
    /// consecutive folds over a list sorted by label).</summary>
    public int[] SingleClassFolds { get; init; } = [];

    /// <param name="folds">Fold of each pair (0..k−1) when the list defines them (LFW's header); else assigned
    /// by <see cref="MetricsOptions.FoldScheme"/>.</param>
    public static VerificationMetrics Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> same, MetricsOptions? options = null, int[]? folds = null)
    {
        options ??= new MetricsOptions();
        if (scores.Count != same.Count) throw new ArgumentException($"{scores.Count} scores but {same.Count} labels");
        if (scores.Any(double.IsNaN)) throw new ArgumentException("scores contain NaN (an embedding of zeros or NaN?)");
        int gen = same.Count(s => s), imp = same.Count - gen;
        if (gen == 0 || imp == 0)
            throw new ArgumentException($"verification needs both genuine and impostor pairs (have {gen} genuine, {imp} impostor)");
        int k = options.Folds;
        if (folds is not null)
        {
            if (folds.Length != scores.Count || folds.Any(f => f < 0)) throw new ArgumentException("every pair needs a fold id ≥ 0");
            // Renumber the folds present (a subset of pairs, e.g. one group, may miss some).
            var ids = folds.Distinct().Order().Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i);
            folds = [.. folds.Select(f => ids[f])];
            k = ids.Count;
        }
        var fold = folds ?? VerificationFolds.Assign(same, k, options.FoldScheme, options.Seed);
        var singleClass = Enumerable.Range(0, k)
            .Where(f => { var l = Enumerable.Range(0, fold.Length).Where(i => fold[i] == f).Select(i => same[i]).Distinct().Count(); return l < 2; })
            .ToArray();
        var kfold = KFoldAccuracy.Compute(scores, same, fold, k, options.Protocol);
        var (bt, ba) = ThresholdSearch.Best(scores.ToArray(), same.ToArray());
        var tars = options.FarTargets.Select(f => options.Protocol == VerificationProtocol.Insightface
            ? InsightfaceProtocol.Val(scores, same, fold, k, f)
            : Evaluation.TarAtFar.Compute(scores, same, f)).ToArray();
        return new VerificationMetrics(scores.Count, gen, imp, kfold, ba, bt, tars, RocCurve.Compute(scores, same))
        {
            Protocol = options.Protocol, Folds = fold, SingleClassFolds = singleClass,
        };
    }
}
