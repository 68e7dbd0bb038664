namespace FaceBoost.Evaluation;

/// <summary>Finds the similarity threshold that maximises verification accuracy ("same" when score ≥ t).
/// Candidates are every cut between distinct sorted scores (the midpoint), plus one below all and one
/// above all scores, so the optimum is exact rather than on a fixed grid; among equally accurate
/// cuts the lowest threshold wins (deterministic).</summary>
public static class ThresholdSearch
{
    public static (double Threshold, double Accuracy) Best(ReadOnlySpan<double> scores, ReadOnlySpan<bool> same)
    {
        int n = scores.Length;
        if (n == 0) throw new ArgumentException("no scores to choose a threshold from");
        if (same.Length != n) throw new ArgumentException($"{n} scores but {same.Length} labels");
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        int totalGenuine = 0;
        foreach (var s in same) if (s) totalGenuine++;

        // Cut at position i: the i lowest scores are rejected.
        int genuineBelow = 0, impostorBelow = 0;
        int bestCorrect = -1, bestCut = 0;
        for (int i = 0; i <= n; i++)
        {
            if (i == 0 || i == n || keys[i - 1] < keys[i])
            {
                int correct = impostorBelow + (totalGenuine - genuineBelow);
                if (correct > bestCorrect) { bestCorrect = correct; bestCut = i; }
            }
            if (i < n) { if (same[order[i]]) genuineBelow++; else impostorBelow++; }
        }
        double t = bestCut == 0 ? keys[0] - 1e-6 - Math.Abs(keys[0]) * 1e-9
                 : bestCut == n ? Math.BitIncrement(keys[n - 1])
                 : 0.5 * (keys[bestCut - 1] + keys[bestCut]);
        // Midpoint rounding can land on the lower score when the two are adjacent doubles.
        if (bestCut > 0 && bestCut < n && t <= keys[bestCut - 1]) t = keys[bestCut];
        return (t, (double)bestCorrect / n);
    }

    public static double Accuracy(ReadOnlySpan<double> scores, ReadOnlySpan<bool> same, double threshold)
    {
        int correct = 0;
        for (int i = 0; i < scores.Length; i++) if ((scores[i] >= threshold) == same[i]) correct++;
        return (double)correct / scores.Length;
    }
}
