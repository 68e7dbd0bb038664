using FaceBoost.Data;

namespace FaceBoost.Evaluation;

/// <summary>Seeded balanced pairs from a labeled image set: half genuine (two distinct images of one
/// identity), half impostor (images of two identities), no pair repeated.</summary>
public static class PairGenerator
{
    public static List<VerificationPair> Generate(IReadOnlyList<(string Path, string Identity)> images, int numPairs, int seed)
    {
        if (numPairs < 2) throw new ArgumentOutOfRangeException(nameof(numPairs), $"need at least 2 pairs, got {numPairs}");
        var byId = images.GroupBy(i => i.Identity, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Select(x => x.Path).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToArray()).ToArray();
        var multi = byId.Where(g => g.Length >= 2).ToArray();
        if (byId.Length < 2 || multi.Length == 0)
            throw new ArgumentException($"need ≥ 2 identities and one with ≥ 2 images (have {byId.Length} identities, {multi.Length} with several images)");
        long maxGenuine = multi.Sum(g => (long)g.Length * (g.Length - 1) / 2);
        int genuine = numPairs / 2, impostor = numPairs - genuine;
        if (genuine > maxGenuine) throw new ArgumentException($"only {maxGenuine} distinct genuine pairs exist; ask for at most {2 * maxGenuine} pairs");
        var rng = new Random(seed);
        var seen = new HashSet<(string, string)>();
        var pairs = new List<VerificationPair>(numPairs);
        bool Add(string a, string b, bool same)
        {
            if (string.CompareOrdinal(a, b) > 0) (a, b) = (b, a);
            if (!seen.Add((a, b))) return false;
            pairs.Add(new VerificationPair(a, b, same));
            return true;
        }
        // Genuine: identities weighted by their number of possible pairs would favour big classes; pick the
        // identity uniformly (as LFW-style lists do) and retry duplicates, with a cap against exhaustion.
        for (int made = 0, tries = 0; made < genuine; tries++)
        {
            if (tries > 100 * numPairs + 10000) throw new InvalidOperationException("could not draw enough distinct genuine pairs");
            var g = multi[rng.Next(multi.Length)];
            int i = rng.Next(g.Length), j = rng.Next(g.Length);
            if (i != j && Add(g[i], g[j], true)) made++;
        }
        for (int made = 0, tries = 0; made < impostor; tries++)
        {
            if (tries > 100 * numPairs + 10000) throw new InvalidOperationException("could not draw enough distinct impostor pairs");
            int x = rng.Next(byId.Length), y = rng.Next(byId.Length);
            if (x != y && Add(byId[x][rng.Next(byId[x].Length)], byId[y][rng.Next(byId[y].Length)], false)) made++;
        }
        return pairs;
    }
}
