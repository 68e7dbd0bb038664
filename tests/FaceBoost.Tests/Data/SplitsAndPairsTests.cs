using FaceBoost.Data;

namespace FaceBoost.Tests.Data;

public sealed class SplitsAndPairsTests
{
    /// <summary>A synthetic labeled dataset: identity "id{k:00}" has 3 + k % 5 images (no files needed).</summary>
    private static FaceDataset Synthetic(int identities = 50, string root = "/nowhere")
    {
        var items = new List<(string, string?)>();
        for (int k = 0; k < identities; k++)
        {
            var id = $"id{k:00}";
            for (int i = 1; i <= 3 + k % 5; i++) items.Add(($"{root}/{id}/{id}_{i:0000}.jpg", id));
        }
        var groups = Enumerable.Range(0, identities).ToDictionary(k => $"id{k:00}", k => k % 2 == 0 ? "even" : "odd");
        return FaceDataset.FromPaths("synthetic", root, items, groups);
    }

    [Fact]
    public void IdentityDisjointSplitIsDisjointAndReproducible()
    {
        var ds = Synthetic();
        var (train, test) = Splits.IdentityDisjoint(ds, 0.2, seed: 1);
        Assert.Equal(10, test.IdentityCount);
        Assert.Equal(40, train.IdentityCount);
        Assert.Empty(train.Identities.Intersect(test.Identities));
        Assert.Equal(ds.Count, train.Count + test.Count);
        Assert.All(test.Samples, s => Assert.InRange(s.Label, 0, 9)); // dense labels
        Assert.All(test.Samples, s => Assert.Equal(s.Path.Split('/')[2], test.Identities[s.Label]));
        Assert.Equal(test.Identities, Splits.IdentityDisjoint(ds, 0.2, seed: 1).Test.Identities);
        Assert.NotEqual(test.Identities, Splits.IdentityDisjoint(ds, 0.2, seed: 2).Test.Identities);
        Assert.Equal(ds.Samples.Select(s => s.Path).Order(), FaceDataset.Concat(train, test).Samples.Select(s => s.Path).Order());
        Assert.Equal("even", test.GroupOfIdentity[test.Identities.First(i => int.Parse(i[2..]) % 2 == 0)]);
    }

    [SkippableFact]
    public void OrlSplitIsIdentityDisjoint()
    {
        var ds = FaceDataset.FromFolder(SharedData.Require("data", "orl"));
        var (train, test) = Splits.IdentityDisjoint(ds, 0.25, seed: 42);
        Assert.Equal((30, 10), (train.IdentityCount, test.IdentityCount));
        Assert.Equal((300, 100), (train.Count, test.Count));
        Assert.Empty(train.Identities.Intersect(test.Identities));
    }

    [Fact]
    public void LimitLabelsKeepsTheRequestedFractions()
    {
        var ds = Synthetic(200);
        Assert.Equal(2, Splits.LimitLabels(ds, 0.01, seed: 3).IdentityCount);
        Assert.Equal(20, Splits.LimitLabels(ds, 0.10, seed: 3).IdentityCount);
        Assert.Equal(200, Splits.LimitLabels(ds, 1.0).IdentityCount);
        Assert.Equal(1, Splits.LimitLabels(Synthetic(20), 0.01).IdentityCount); // at least one identity
        var two = Splits.LimitLabels(ds, 0.1, imagesPerIdentity: 2, seed: 3);
        Assert.Equal(40, two.Count);
        Assert.All(Enumerable.Range(0, two.IdentityCount), l => Assert.Equal(2, two.SamplesOf(l).Count));
        Assert.Equal(two.Samples, Splits.LimitLabels(ds, 0.1, imagesPerIdentity: 2, seed: 3).Samples);
        Assert.NotEqual(two.Identities, Splits.LimitLabels(ds, 0.1, imagesPerIdentity: 2, seed: 4).Identities);
        var (labeled, pool) = Splits.LimitLabelsWithRest(ds, 0.1, seed: 3);
        Assert.Equal(ds.Count, labeled.Count + pool.Count);
        Assert.False(pool.IsLabeled);
    }

    [Fact]
    public void GeneratedPairsAreBalancedDistinctAndSeeded()
    {
        var ds = Synthetic();
        var pairs = PairSets.Generate(ds, 400, seed: 9);
        Assert.Equal(400, pairs.Count);
        Assert.Equal(200, pairs.Count(p => p.Same));
        Assert.All(pairs, p => Assert.Equal(p.Same, p.PathA.Split('/')[2] == p.PathB.Split('/')[2]));
        Assert.Equal(400, pairs.Select(p => string.CompareOrdinal(p.PathA, p.PathB) < 0 ? (p.PathA, p.PathB) : (p.PathB, p.PathA)).Distinct().Count());
        Assert.Equal(pairs, PairSets.Generate(ds, 400, seed: 9));
        Assert.NotEqual(pairs, PairSets.Generate(ds, 400, seed: 10));
        var within = PairSets.Generate(ds, 100, seed: 9, impostorsWithinGroup: true);
        Assert.All(within, p => Assert.NotNull(p.Group));
    }

    [Fact]
    public void LfwRfwAndGenericPairFilesRoundTrip()
    {
        using var tmp = new TempDir();
        var root = Path.Combine(tmp.Path, "lfw");
        var ds = Synthetic(30, root);
        var pairs = PairSets.Generate(ds, 40, seed: 1).Select((p, i) => p with { Group = null }).ToList();
        // Two LFW folds of 10 same + 10 different.
        var same = pairs.Where(p => p.Same).ToList(); var diff = pairs.Where(p => !p.Same).ToList();
        var folded = Enumerable.Range(0, 2).SelectMany(f => same.Skip(10 * f).Take(10).Concat(diff.Skip(10 * f).Take(10)).Select(p => p with { Fold = f })).ToList();
        PairSets.WriteLfw(folded, tmp["pairs.txt"]);
        var text = File.ReadAllLines(tmp["pairs.txt"]);
        Assert.Equal("2\t10", text[0]);
        Assert.Equal(3, text[1].Split('\t').Length);
        Assert.Equal(4, text[11].Split('\t').Length);
        Assert.Equal(folded, PairSets.ReadLfw(tmp["pairs.txt"], root));

        PairSets.WriteRfw(pairs, tmp["African_pairs.txt"]);
        var rfw = PairSets.ReadRfw(tmp["African_pairs.txt"], root, "African");
        Assert.Equal(pairs.Select(p => p with { Group = "African" }), rfw);

        PairSets.WriteList(pairs, tmp["list.txt"], relativeTo: tmp.Path);
        Assert.Equal(pairs, PairSets.ReadList(tmp["list.txt"]));
    }

    [Fact]
    public void LfwReaderTakesTheClassicForms()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.txt"], "1\t1\nAaron_Peirsol\t1\t2\nAJ_Cook\t1\tMarsha_Thomason\t1\n");
        var p = PairSets.ReadLfw(tmp["p.txt"], "/lfw");
        Assert.Equal(2, p.Count);
        Assert.Equal(new VerificationPair("/lfw/Aaron_Peirsol/Aaron_Peirsol_0001.jpg", "/lfw/Aaron_Peirsol/Aaron_Peirsol_0002.jpg", true, null, 0), p[0]);
        Assert.Equal("/lfw/Marsha_Thomason/Marsha_Thomason_0001.jpg", p[1].PathB);
        Assert.False(p[1].Same);
        File.WriteAllText(tmp["bad.txt"], "2\nA 1\n");
        var ex = Assert.Throws<InvalidDataException>(() => PairSets.ReadLfw(tmp["bad.txt"], "/lfw"));
        Assert.Contains("bad.txt:2", ex.Message);
    }
}
