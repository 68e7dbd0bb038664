namespace FaceBoost.Evaluation;

/// <summary>True-accept rate at a target false-accept rate. The threshold is the impostor score quantile:
/// with impostor scores sorted descending, the ⌊FAR·N⌋-th one, and pairs scoring strictly above it are
/// accepted, so the achieved FAR never exceeds the target (ties only lower it). A FAR below 1/N cannot be
/// resolved by N impostors: then <see cref="Tar"/> is null and <see cref="Note"/> says how many are needed.</summary>
/// <param name="TarStd">Population std of the per-fold TARs (insightface protocol only).</param>
public sealed record TarAtFar(double TargetFar, double? Tar, double Threshold, double AchievedFar, int Impostors, bool Resolved, string? Note,
                              double? TarStd = null, VerificationProtocol Protocol = VerificationProtocol.Exact)
{
    public static TarAtFar Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> same, double targetFar)
    {
        if (!(targetFar > 0 && targetFar < 1)) throw new ArgumentOutOfRangeException(nameof(targetFar), $"FAR must be in (0,1), got {targetFar}");
        var imp = scores.Where((_, i) => !same[i]).OrderByDescending(s => s).ToArray();
        var gen = scores.Where((_, i) => same[i]).ToArray();
        if (imp.Length == 0 || gen.Length == 0)
            return new TarAtFar(targetFar, null, double.NaN, double.NaN, imp.Length, false,
                $"needs both genuine and impostor pairs (have {gen.Length} genuine, {imp.Length} impostor)");
        int k = (int)Math.Floor(targetFar * imp.Length * (1 + 1e-12));
        double t = imp[Math.Min(k, imp.Length - 1)];
        double far = (double)imp.Count(s => s > t) / imp.Length;
        double tar = (double)gen.Count(s => s > t) / gen.Length;
        bool resolved = targetFar * imp.Length >= 1 - 1e-9;
        string? note = resolved ? null
            : $"FAR {targetFar:0.#e0} needs at least {(long)Math.Ceiling(1 / targetFar - 1e-9)} impostor pairs, have {imp.Length}";
        return new TarAtFar(targetFar, resolved ? tar : null, t, far, imp.Length, resolved, note);
    }
}
