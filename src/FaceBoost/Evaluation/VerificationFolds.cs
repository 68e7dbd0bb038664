namespace FaceBoost.Evaluation;

/// <summary>Assigns each pair to one of k folds (see <see cref="FoldScheme"/>).</summary>
public static class VerificationFolds
{
    public static int[] Assign(IReadOnlyList<bool> same, int folds, FoldScheme scheme, int seed = 0)
    {
        int n = same.Count;
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), $"need at least 2 folds, got {folds}");
        if (n < folds) throw new ArgumentException($"{n} pairs cannot be split into {folds} folds");
        var fold = new int[n];
        if (scheme == FoldScheme.Consecutive)
        {
            // scikit-learn's KFold(n_splits=k, shuffle=False), as insightface and RFW use: the first n mod k blocks
            // hold ⌊n/k⌋+1 pairs, the rest ⌊n/k⌋ (597 pairs: 60×7 then 59×3). LFW's 6000 give its ten sets of 600.
            int size = n / folds, extra = n % folds, i0 = 0;
            for (int f = 0; f < folds; f++)
            {
                int len = size + (f < extra ? 1 : 0);
                for (int i = i0; i < i0 + len; i++) fold[i] = f;
                i0 += len;
            }
            return fold;
        }
        var rng = new Random(seed);
        int next = 0;
        foreach (var cls in new[] { true, false })
        {
            var idx = Enumerable.Range(0, n).Where(i => same[i] == cls).ToArray();
            rng.Shuffle(idx);
            // Impostors continue the round-robin where genuine pairs stopped, so fold sizes differ by at most one.
            foreach (var i in idx) fold[i] = next++ % folds;
        }
        return fold;
    }
}
