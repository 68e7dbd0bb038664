namespace FaceBoost.Evaluation;

/// <summary>insightface's verification protocol (<c>calculate_roc</c>, <c>calculate_accuracy</c>, <c>calculate_val</c> of
/// recognition/arcface_torch/eval/verification.py) on cosine scores. Scores become squared L2 distances between the
/// L2-normalised embeddings, d = 2 − 2·score, and a pair is predicted "same" when d &lt; t (strictly).
/// <list type="bullet">
/// <item>Accuracy: per fold, the train accuracy of every grid threshold t = i·0.01 (i = 0…399, NumPy's
/// <c>np.arange(0, 4, 0.01)</c>) is computed and <c>np.argmax</c> picks the FIRST maximum, i.e. the smallest distance
/// threshold = the highest similarity cut among equally accurate ones; it is applied to the test fold.</item>
/// <item>TAR@FAR: per fold, FAR on the train folds at every t = i·0.001 (i = 0…3999); if the largest reaches the target,
/// the threshold is <c>interp1d(far_train, thresholds, kind='slinear')(target)</c>, else 0. far_train is a step function
/// with many repeated values. SciPy ≤ 1.8 built that 'slinear' interpolant as a degree-1 B-spline with knots
/// [x₀, x₀, x₁, …, xₙ₋₁, xₙ₋₁] and coefficients y, which evaluates as: take j = the LAST index with far[j] ≤ target
/// (at most n − 2) and interpolate linearly between (far[j], t[j]) and (far[j+1], t[j+1]). SciPy ≥ 1.9 rejects the
/// repeated x ("Expect x to not have duplicates"), so the reference no longer runs there; this class does what 1.8 did.
/// TAR is the mean over folds, with the population std (np.std).</item>
/// </list>
/// Distances are computed from the scores in double precision (the reference computes them from float64 embeddings), so
/// a distance within ~1e-7 of a grid point may fall on the other side of it than in a float32 pipeline.</summary>
public static class InsightfaceProtocol
{
    public const int AccuracyGridSize = 400;
    public const double AccuracyGridStep = 0.01;
    public const int ValGridSize = 4000;
    public const double ValGridStep = 0.001;

    public static double Distance(double score) => 2 - 2 * score;

    /// <summary>The similarity that corresponds to distance threshold <paramref name="t"/> (accept when score &gt; it).</summary>
    public static double SimilarityOf(double t) => 1 - t / 2;

    /// <summary>k-fold accuracy; <see cref="KFoldAccuracy.FoldThresholds"/> are the chosen distance thresholds.</summary>
    public static KFoldAccuracy Accuracy(IReadOnlyList<double> scores, IReadOnlyList<bool> same, int[] fold, int folds)
    {
        int n = scores.Count;
        if (same.Count != n || fold.Length != n) throw new ArgumentException($"{n} scores, {same.Count} labels, {fold.Length} fold ids");
        var dist = scores.Select(Distance).ToArray();
        var accs = new double[folds];
        var ths = new double[folds];
        for (int f = 0; f < folds; f++)
        {
            var train = Split(dist, same, fold, f, test: false);
            var test = Split(dist, same, fold, f, test: true);
            if (test.Count == 0) throw new ArgumentException($"fold {f} is empty");
            int best = -1; long bestCorrect = -1;
            for (int i = 0; i < AccuracyGridSize; i++)
            {
                long correct = train.Correct(i * AccuracyGridStep);
                if (correct > bestCorrect) { bestCorrect = correct; best = i; } // np.argmax: first maximum
            }
            ths[f] = best * AccuracyGridStep;
            accs[f] = (double)test.Correct(ths[f]) / test.Count;
        }
        double mean = accs.Average();
        double std = Math.Sqrt(accs.Sum(a => (a - mean) * (a - mean)) / folds);
        return new KFoldAccuracy(mean, std, accs, ths, ThresholdKind.SquaredDistance);
    }

    /// <summary><c>calculate_val</c> at one FAR target over the given folds.</summary>
    public static TarAtFar Val(IReadOnlyList<double> scores, IReadOnlyList<bool> same, int[] fold, int folds, double targetFar)
    {
        if (!(targetFar > 0 && targetFar < 1)) throw new ArgumentOutOfRangeException(nameof(targetFar), $"FAR must be in (0,1), got {targetFar}");
        var dist = scores.Select(Distance).ToArray();
        var vals = new double[folds]; var fars = new double[folds]; var ths = new double[folds];
        int impostors = same.Count(s => !s);
        for (int f = 0; f < folds; f++)
        {
            var train = Split(dist, same, fold, f, test: false);
            var test = Split(dist, same, fold, f, test: true);
            if (train.Impostor.Length == 0 || test.Impostor.Length == 0 || test.Genuine.Length == 0)
                return new TarAtFar(targetFar, null, double.NaN, double.NaN, impostors, false,
                    $"fold {f} lacks genuine or impostor pairs, so the insightface TAR is undefined (division by zero in calculate_val)",
                    Protocol: VerificationProtocol.Insightface);
            var far = new double[ValGridSize];
            for (int i = 0; i < ValGridSize; i++) far[i] = (double)Below(train.Impostor, i * ValGridStep) / train.Impostor.Length;
            double t = far[^1] >= targetFar ? SlinearScipy18(far, targetFar) : 0.0;
            ths[f] = t;
            vals[f] = (double)Below(test.Genuine, t) / test.Genuine.Length;
            fars[f] = (double)Below(test.Impostor, t) / test.Impostor.Length;
        }
        double mean = vals.Average();
        double std = Math.Sqrt(vals.Sum(v => (v - mean) * (v - mean)) / folds);
        bool resolved = targetFar * impostors * (folds - 1) / folds >= 1 - 1e-9;
        string? note = resolved ? null
            : $"FAR {targetFar:0.#e0} is below 1/(training impostors) = 1/{impostors * (folds - 1) / folds}: the threshold is interpolated between the first grid points, as the reference does";
        return new TarAtFar(targetFar, mean, ths.Average(), fars.Average(), impostors, resolved, note, std, VerificationProtocol.Insightface);
    }

    /// <summary>SciPy 1.8's interp1d(x, y=grid, kind='slinear')(target) for x non-decreasing over the grid index (see the class
    /// summary), y[i] = i·<see cref="ValGridStep"/>.</summary>
    public static double SlinearScipy18(double[] x, double target)
    {
        int n = x.Length;
        int j = 0;
        while (j + 1 < n && x[j + 1] <= target) j++; // last index with x[j] <= target
        j = Math.Min(j, n - 2);
        double x0 = x[j], x1 = x[j + 1], y0 = j * ValGridStep, y1 = (j + 1) * ValGridStep;
        if (x1 == x0) return y1;
        double w = 1 / (x1 - x0);
        return y0 * (w * (x1 - target)) + y1 * (w * (target - x0));
    }

    private static int Below(double[] sorted, double t)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (sorted[mid] < t) lo = mid + 1; else hi = mid; }
        return lo;
    }

    private static FoldSet Split(double[] dist, IReadOnlyList<bool> same, int[] fold, int f, bool test)
    {
        var g = new List<double>(); var im = new List<double>();
        for (int i = 0; i < dist.Length; i++)
            if ((fold[i] == f) == test) (same[i] ? g : im).Add(dist[i]);
        var ga = g.ToArray(); var ia = im.ToArray();
        Array.Sort(ga); Array.Sort(ia);
        return new FoldSet(ga, ia);
    }

    private sealed record FoldSet(double[] Genuine, double[] Impostor)
    {
        public int Count => Genuine.Length + Impostor.Length;
        /// <summary>Genuine pairs accepted (d &lt; t) plus impostors rejected.</summary>
        public long Correct(double t) => Below(Genuine, t) + (Impostor.Length - Below(Impostor, t));
    }
}
