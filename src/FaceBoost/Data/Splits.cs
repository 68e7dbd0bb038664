namespace FaceBoost.Data;

/// <summary>Deterministic, seeded splits (SplitMix64, so the same seed gives the same split on every machine
/// and .NET version).</summary>
public static class Splits
{
    /// <summary>Identity-disjoint train/test: a seeded shuffle of the (sorted) identities, the first
    /// round(testFraction × identities) — at least 1, at most all but 1 — go to test.</summary>
    public static (FaceDataset Train, FaceDataset Test) IdentityDisjoint(FaceDataset ds, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(ds);
        RequireLabeled(ds, nameof(IdentityDisjoint));
        if (testFraction is <= 0 or >= 1 || double.IsNaN(testFraction))
            throw new ArgumentOutOfRangeException(nameof(testFraction), $"{testFraction}: must be in (0, 1)");
        if (ds.IdentityCount < 2) throw new InvalidOperationException($"{ds.Name}: {ds.IdentityCount} identity; an identity-disjoint split needs 2 or more");
        var order = new SeededRandom(seed, 0x5EED_5917).Permutation(ds.IdentityCount);
        int nTest = Math.Clamp((int)Math.Round(testFraction * ds.IdentityCount, MidpointRounding.AwayFromZero), 1, ds.IdentityCount - 1);
        var isTest = new bool[ds.IdentityCount];
        for (int i = 0; i < nTest; i++) isTest[order[i]] = true;
        return (ds.Subset(s => !isTest[s.Label], ds.Name + "/train"), ds.Subset(s => isTest[s.Label], ds.Name + "/test"));
    }

    /// <summary>The paper's limited-label regimes: keep round(identityFraction × identities) identities (at least 1),
    /// chosen by a seeded shuffle, and of each at most <paramref name="imagesPerIdentity"/> images (seeded choice).
    /// Sample order is preserved.</summary>
    public static FaceDataset LimitLabels(FaceDataset ds, double identityFraction = 1.0, int? imagesPerIdentity = null, int seed = 0)
        => LimitLabelsWithRest(ds, identityFraction, imagesPerIdentity, seed).Labeled;

    /// <summary>Like <see cref="LimitLabels"/>, also returning every sample not kept (as an unlabeled pool), so
    /// that labeled + pool is the whole dataset.</summary>
    public static (FaceDataset Labeled, FaceDataset Pool) LimitLabelsWithRest(FaceDataset ds, double identityFraction = 1.0,
        int? imagesPerIdentity = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(ds);
        RequireLabeled(ds, nameof(LimitLabels));
        if (identityFraction is <= 0 or > 1 || double.IsNaN(identityFraction))
            throw new ArgumentOutOfRangeException(nameof(identityFraction), $"{identityFraction}: must be in (0, 1]");
        if (imagesPerIdentity is <= 0) throw new ArgumentOutOfRangeException(nameof(imagesPerIdentity), "must be positive");
        var rng = new SeededRandom(seed, 0x11A1_7ED);
        var order = rng.Permutation(ds.IdentityCount);
        int keep = Math.Clamp((int)Math.Round(identityFraction * ds.IdentityCount, MidpointRounding.AwayFromZero), 1, ds.IdentityCount);
        var kept = new bool[ds.Count];
        for (int k = 0; k < keep; k++)
        {
            var samples = ds.SamplesOf(order[k]).ToArray();
            // A separate stream per identity: the images chosen for one identity do not depend on the others.
            if (imagesPerIdentity is int m && m < samples.Length)
                new SeededRandom(seed, 0x11A1_7ED, order[k]).Shuffle(samples);
            foreach (var i in samples.Take(imagesPerIdentity ?? int.MaxValue)) kept[i] = true;
        }
        string tag = $"{identityFraction:0.###}ids" + (imagesPerIdentity is int n ? $"x{n}" : "");
        var labeled = ds.Subset(Enumerable.Range(0, ds.Count).Where(i => kept[i]), $"{ds.Name}/labeled-{tag}");
        var rest = ds.Subset(Enumerable.Range(0, ds.Count).Where(i => !kept[i])).WithoutLabels($"{ds.Name}/rest-{tag}");
        return (labeled, rest);
    }

    private static void RequireLabeled(FaceDataset ds, string what)
    {
        if (!ds.IsLabeled) throw new InvalidOperationException($"{ds.Name}: {what} needs a labeled dataset (every sample with an identity)");
    }
}
