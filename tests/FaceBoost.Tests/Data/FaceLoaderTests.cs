using FaceBoost.Data;

namespace FaceBoost.Tests.Data;

public sealed class FaceLoaderTests
{
    /// <summary>ORL s1..s4 (40 images) copied to a temp folder, files made read-write.</summary>
    private static FaceDataset CopyOfOrl(TempDir tmp, int identities = 4)
    {
        var orl = SharedData.Require("data", "orl");
        foreach (var id in Enumerable.Range(1, identities).Select(i => $"s{i}"))
        {
            Directory.CreateDirectory(tmp[id]);
            foreach (var f in Directory.GetFiles(Path.Combine(orl, id)))
            {
                var dst = Path.Combine(tmp[id], Path.GetFileName(f));
                File.Copy(f, dst);
                File.SetAttributes(dst, FileAttributes.Normal);
            }
        }
        return FaceDataset.FromFolder(tmp.Path, "orl-copy");
    }

    private static List<(int[] Indices, float[] Pixels, long[] Labels)> Collect(FaceLoader loader, int epoch, int startBatch = 0)
    {
        var result = new List<(int[], float[], long[])>();
        foreach (var b in loader.Epoch(epoch, startBatch))
            using (b) result.Add((b.SampleIndices, b.Images.data<float>().ToArray(), b.Labels.data<long>().ToArray()));
        return result;
    }

    [SkippableFact]
    public void CorruptFileIsReportedAndSkipped()
    {
        using var tmp = new TempDir();
        var ds = CopyOfOrl(tmp);
        // Plant a truncated PGM and a JPEG with garbage after its signature.
        var trunc = tmp[Path.Combine("s2", "3.pgm")];
        File.WriteAllBytes(trunc, File.ReadAllBytes(trunc)[..500]);
        var junk = tmp[Path.Combine("s3", "11.jpg")];
        File.WriteAllBytes(junk, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3, 4, 5]);
        ds = FaceDataset.FromFolder(tmp.Path, "orl-copy");
        Assert.Equal(41, ds.Count);

        var reported = new List<DatasetProblem>();
        using var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 8, Workers: 2, DropLast: false, Seed: 3),
            ImageTransform.Plain(32), reported.Add);
        var batches = Collect(loader, 0);
        Assert.Equal(2, loader.SkippedFiles);
        Assert.Equal(2, reported.Count);
        Assert.Contains(reported, p => p.Path == trunc && p.Reason.Contains("truncated"));
        Assert.Contains(reported, p => p.Path == junk);
        Assert.Equal(39, batches.Sum(b => b.Indices.Length));
        Assert.DoesNotContain(batches.SelectMany(b => b.Indices), i => ds.Samples[i].Path == trunc || ds.Samples[i].Path == junk);

        // Next epoch: known-bad files are skipped without being reported again.
        Assert.Equal(39, Collect(loader, 1).Sum(b => b.Indices.Length));
        Assert.Equal(2, reported.Count);
        Assert.Equal(2, loader.Problems.Count);
    }

    [SkippableFact]
    public void DatasetWithoutUsableImagesIsAClearError()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["a"]);
        for (int i = 0; i < 5; i++) File.WriteAllText(tmp[$"a/{i}.jpg"], "not a jpeg");
        var ds = FaceDataset.FromFolder(tmp.Path);
        using var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 2, Workers: 2), ImageTransform.Plain(16));
        var ex = Assert.Throws<InvalidOperationException>(() => Collect(loader, 0));
        Assert.Contains("no usable image", ex.Message);
        Assert.Contains("0.jpg", ex.Message + string.Join(";", loader.Problems));
    }

    [SkippableFact]
    public void EpochIsDeterministicWhateverTheWorkerCount()
    {
        using var tmp = new TempDir();
        var ds = CopyOfOrl(tmp);
        var t = ImageTransform.Train(size: 24, resizeTo: 28);
        using var one = new FaceLoader(ds, new LoaderOptions(BatchSize: 6, Workers: 1, Seed: 7), t);
        using var two = new FaceLoader(ds, new LoaderOptions(BatchSize: 6, Workers: 2, Prefetch: 2, Seed: 7), t);
        using var sync = new FaceLoader(ds, new LoaderOptions(BatchSize: 6, Workers: 0, Seed: 7), t);
        var a = Collect(one, 2); var b = Collect(two, 2); var c = Collect(sync, 2);
        Assert.Equal(6, one.BatchesPerEpoch);   // 40 / 6, last partial dropped
        Assert.Equal(6, a.Count);
        for (int k = 0; k < a.Count; k++)
        {
            Assert.Equal(a[k].Indices, b[k].Indices);
            Assert.Equal(a[k].Pixels, b[k].Pixels);
            Assert.Equal(a[k].Pixels, c[k].Pixels);
            Assert.Equal(a[k].Indices.Select(i => (long)ds.Samples[i].Label), a[k].Labels);
        }
        // Shuffled, distinct samples, and a different order in another epoch or seed.
        var flat = a.SelectMany(x => x.Indices).ToArray();
        Assert.Equal(36, flat.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 36), flat);
        Assert.NotEqual(flat, Collect(one, 3).SelectMany(x => x.Indices));
        // Resume: startBatch yields exactly the remaining batches.
        var resumed = Collect(two, 2, startBatch: 4);
        Assert.Equal(2, resumed.Count);
        Assert.Equal(a[4].Pixels, resumed[0].Pixels);
        Assert.Equal(a[5].Indices, resumed[1].Indices);
        // Normalised to [-1, 1].
        Assert.InRange(a[0].Pixels.Min(), -1f, 0f);
        Assert.InRange(a[0].Pixels.Max(), 0f, 1f);
    }

    [SkippableFact]
    public void RanksGetDisjointShardsWhoseUnionIsOneEpoch()
    {
        using var tmp = new TempDir();
        var ds = CopyOfOrl(tmp);
        var single = new FaceLoader(ds, new LoaderOptions(BatchSize: 9, Workers: 0, Seed: 5)).Plan(1);
        var ranks = Enumerable.Range(0, 3).Select(r => new FaceLoader(ds, new LoaderOptions(BatchSize: 3, Workers: 0, Seed: 5, Rank: r, WorldSize: 3)).Plan(1)).ToArray();
        Assert.All(ranks, p => Assert.Equal(single.Length, p.Length));
        for (int k = 0; k < single.Length; k++)
            Assert.Equal(single[k], ranks.SelectMany(p => p[k]));
        var all = ranks.SelectMany(p => p.SelectMany(b => b)).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [SkippableFact]
    public void BreakingOutOfAnEpochStopsTheWorkers()
    {
        using var tmp = new TempDir();
        var ds = CopyOfOrl(tmp);
        using var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 4, Workers: 2, Prefetch: 2), ImageTransform.Plain(16));
        foreach (var b in loader.Epoch(0)) { b.Dispose(); break; }
        Assert.Equal(10, Collect(loader, 0).Count);
    }
}
