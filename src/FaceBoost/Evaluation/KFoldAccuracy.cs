namespace FaceBoost.Evaluation;

/// <summary>What <see cref="KFoldAccuracy.FoldThresholds"/> are.</summary>
public enum ThresholdKind
{
    /// <summary>Cosine similarity; same when score ≥ threshold (<see cref="VerificationProtocol.Exact"/>).</summary>
    Similarity,
    /// <summary>Squared L2 distance of normalised embeddings (2 − 2·cosine); same when distance &lt; threshold
    /// (<see cref="VerificationProtocol.Insightface"/>).</summary>
    SquaredDistance,
}

/// <summary>The LFW/RFW protocol: for each fold, the threshold maximising accuracy on the other k−1 folds
/// is applied to it. Mean and Std are over the k fold accuracies; Std is the population std (NumPy's
/// np.std, as insightface's verification code reports).</summary>
public sealed record KFoldAccuracy(double Mean, double Std, double[] FoldAccuracies, double[] FoldThresholds,
                                   ThresholdKind ThresholdKind = ThresholdKind.Similarity)
{
    public static KFoldAccuracy Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> same, int[] fold, int folds,
                                        VerificationProtocol protocol = VerificationProtocol.Exact)
    {
        if (protocol == VerificationProtocol.Insightface) return InsightfaceProtocol.Accuracy(scores, same, fold, folds);
        int n = scores.Count;
        if (same.Count != n || fold.Length != n) throw new ArgumentException($"{n} scores, {same.Count} labels, {fold.Length} fold ids");
        var accs = new double[folds];
        var ths = new double[folds];
        for (int f = 0; f < folds; f++)
        {
            var trainS = new List<double>(n); var trainL = new List<bool>(n);
            var testS = new List<double>(); var testL = new List<bool>();
            for (int i = 0; i < n; i++)
            {
                if (fold[i] == f) { testS.Add(scores[i]); testL.Add(same[i]); }
                else { trainS.Add(scores[i]); trainL.Add(same[i]); }
            }
            if (testS.Count == 0) throw new ArgumentException($"fold {f} is empty");
            var (t, _) = ThresholdSearch.Best(trainS.ToArray(), trainL.ToArray());
            ths[f] = t;
            accs[f] = ThresholdSearch.Accuracy(testS.ToArray(), testL.ToArray(), t);
        }
        double mean = accs.Average();
        double std = Math.Sqrt(accs.Sum(a => (a - mean) * (a - mean)) / folds);
        return new KFoldAccuracy(mean, std, accs, ths);
    }
}
