namespace FaceBoost.Experiments;

/// <summary>An arm's gain over scratch, paired by seed (the arms of one seed share the labeled subset and the
/// recognition seed, so the per-seed difference cancels most of the subset's luck). <see cref="Shown"/> is the
/// project's bar for claiming an effect: at least 3 seeds and a mean gain above 3 × the std of the paired
/// differences.</summary>
/// <param name="Gains">Per-seed accuracy gain (fraction, not points), in seed order.</param>
/// <param name="SignP">Two-sided exact sign test (ties dropped).</param>
/// <param name="TP">Two-sided paired t-test, n − 1 degrees of freedom (null below 2 seeds or with zero spread).</param>
public sealed record PairedGain(IReadOnlyList<int> Seeds, IReadOnlyList<double> Gains, double Mean, double Std, double SignP, double? TP)
{
    public const double ShownFactor = 3;
    public const int ShownMinSeeds = 3;

    public int Count => Gains.Count;
    public bool Shown => Count >= ShownMinSeeds && Mean > ShownFactor * Std;

    public static PairedGain? Of(IReadOnlyList<(int Seed, double Arm, double Scratch)> pairs)
    {
        if (pairs.Count == 0) return null;
        var ordered = pairs.OrderBy(p => p.Seed).ToList();
        var gains = ordered.Select(p => p.Arm - p.Scratch).ToList();
        var mean = gains.Average();
        var std = ResultTable.SampleStd(gains);
        double? tp = null;
        if (gains.Count >= 2 && std > 0)
        {
            var t = mean / (std / Math.Sqrt(gains.Count));
            tp = StudentT.TwoSidedP(t, gains.Count - 1);
        }
        return new PairedGain(ordered.Select(p => p.Seed).ToList(), gains, mean, std, SignTest(gains), tp);
    }

    /// <summary>Two-sided exact binomial test of the signs (p = 0.5), zeros dropped; 1 when nothing is left.</summary>
    public static double SignTest(IReadOnlyList<double> diffs)
    {
        var pos = diffs.Count(d => d > 0);
        var n = pos + diffs.Count(d => d < 0);
        if (n == 0) return 1;
        var k = Math.Min(pos, n - pos);
        double tail = 0;
        for (var i = 0; i <= k; i++) tail += Binomial(n, i);
        return Math.Min(1, 2 * tail / Math.Pow(2, n));
    }

    private static double Binomial(int n, int k)
    {
        double c = 1;
        for (var i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return c;
    }
}

/// <summary>Student's t distribution through the regularized incomplete beta function (Lentz's continued fraction).</summary>
public static class StudentT
{
    /// <summary>P(|T| ≥ |t|) with <paramref name="df"/> degrees of freedom.</summary>
    public static double TwoSidedP(double t, int df)
    {
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be ≥ 1");
        if (double.IsNaN(t)) return double.NaN;
        if (double.IsInfinity(t)) return 0;
        var x = df / (df + t * t);
        return Math.Clamp(RegularizedBeta(x, df / 2.0, 0.5), 0, 1);
    }

    /// <summary>I_x(a, b).</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(lnFront) * BetaFraction(x, a, b) / a
            : 1 - Math.Exp(lnFront) * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300, eps = 1e-15;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d; h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < eps) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        var sum = g[0];
        for (var i = 1; i < g.Length; i++) sum += g[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
