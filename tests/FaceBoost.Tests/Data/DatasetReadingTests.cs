using FaceBoost.Imaging;
using FaceBoost.Data;

namespace FaceBoost.Tests.Data;

public sealed class DatasetReadingTests
{
    [SkippableFact]
    public void OrlIsFortyIdentitiesOfTen()
    {
        var ds = FaceDataset.FromFolder(SharedData.Require("data", "orl"));
        Assert.Equal(40, ds.IdentityCount);
        Assert.Equal(400, ds.Count);
        Assert.True(ds.IsLabeled);
        Assert.All(Enumerable.Range(0, 40), l => Assert.Equal(10, ds.SamplesOf(l).Count));
        Assert.Equal("s1", ds.Identities[0]);
        Assert.Equal("s10", ds.Identities[1]); // ordinal order, stable everywhere
        Assert.Contains(ds.IgnoredFiles, f => Path.GetFileName(f.Path) == "README");
    }

    [SkippableFact]
    public void ExtendedYaleBIsThirtyEightIdentitiesWithInfoFilesIgnored()
    {
        var root = SharedData.Require("data", "extended-yaleb");
        var ds = FaceDataset.FromFolder(root, exclude: ImageFiles.Glob("*_Ambient.pgm"));
        Assert.Equal(38, ds.IdentityCount);
        Assert.DoesNotContain("yaleB14", ds.Identities);
        Assert.All(ds.Samples, s => Assert.EndsWith(".pgm", s.Path));
        Assert.DoesNotContain(ds.Samples, s => s.Path.EndsWith("_Ambient.pgm"));
        Assert.Contains(ds.IgnoredFiles, f => f.Path.EndsWith(".info") && f.Reason.StartsWith("not an image"));
        Assert.Contains(ds.IgnoredFiles, f => f.Path.EndsWith("DEADJOE"));
        // The dataset's own faulty captures (*.pgm.bad, 18 here) are reported as ignored, not read.
        var marked = ds.IgnoredFiles.Where(f => f.Reason.StartsWith("marked bad")).ToList();
        Assert.InRange(marked.Count, 10, 30);
        Assert.All(marked, f => Assert.EndsWith(".pgm.bad", f.Path));
        Assert.InRange(ds.Count, 2400, 2450); // 2424 in this copy: 64 per identity minus the .bad ones
        var (min, _, max) = ds.ImagesPerIdentity();
        Assert.InRange(min, 55, 64);
        Assert.Equal(64, max);

        // Without the exclude, the ambient images are ordinary images of their identity.
        var all = FaceDataset.FromFolder(root);
        Assert.Equal(ds.Count + 38, all.Count);
    }

    [SkippableFact]
    public void CelebaSliceViaIdentityTxtIsThirtyIdentitiesOf792Images()
    {
        var list = SharedData.Require("data", "celeba-dev", "identity.txt");
        var ds = FaceDataset.FromListFile(list);
        Assert.Equal(30, ds.IdentityCount);
        Assert.Equal(792, ds.Count);
        Assert.All(ds.Samples, s => Assert.True(File.Exists(s.Path), s.Path));
        var (min, mean, max) = ds.ImagesPerIdentity();
        Assert.InRange(min, 20, 30);
        Assert.InRange(max, 20, 30);
        Assert.Equal(792.0 / 30, mean, 6);

        var pool = FaceDataset.Unlabeled(list);
        Assert.Equal(792, pool.Count);
        Assert.False(pool.IsLabeled);
        Assert.Equal(ds.Samples.Select(s => s.Path), pool.Samples.Select(s => s.Path));
        var tree = FaceDataset.Unlabeled(SharedData.Require("data", "celeba-dev"));
        Assert.Equal(792, tree.Count);
    }
}
