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
            // Block i holds pairs [i·n/k, (i+1)·n/k): LFW's 6000 pairs give its ten sets of 600 exactly.
            for (int i = 0; i < n; i++) fold[i] = (int)((long)i * folds / n);
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
