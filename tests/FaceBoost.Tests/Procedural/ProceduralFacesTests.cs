using FaceBoost.Imaging;
using FaceBoost.Synthesis.Procedural;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Procedural;

public sealed class ProceduralFacesTests(ITestOutputHelper output)
{
    private static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"faceboost-procedural-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void SeededRandom_MatchesTheReferenceSplitMix64Sequence()
    {
        // First outputs of the reference SplitMix64 (Vigna) for seed 0.
        var r = new FaceBoost.Data.SeededRandom(0UL);
        Assert.Equal(0xE220A8397B1DCDAFUL, r.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, r.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, r.NextUInt64());
    }

    [Fact]
    public void SameSeed_GivesByteIdenticalFolders_AndAnotherSeedDiffers()
    {
        var opts = new ProceduralDatasetOptions { Identities = 4, ImagesPerIdentity = 3, Size = 32, Seed = 11 };
        string a = TempDir("a"), b = TempDir("b"), c = TempDir("c");
        try
        {
            ProceduralDataset.Generate(a, opts);
            ProceduralDataset.Generate(b, opts with { Threads = 1 });
            ProceduralDataset.Generate(c, opts with { Seed = 12 });
            var files = Directory.GetFiles(a, "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order().ToList();
            Assert.Equal(12, files.Count);
            foreach (var f in files)
                Assert.Equal(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f)));
            Assert.Equal(File.ReadAllText(Path.Combine(a, "identity_params.json")), File.ReadAllText(Path.Combine(b, "identity_params.json")));
            int differing = files.Count(f => File.Exists(Path.Combine(c, f)) && !File.ReadAllBytes(Path.Combine(a, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(c, f))));
            Assert.Equal(files.Count, differing);
        }
        finally { foreach (var d in new[] { a, b, c }) Directory.Delete(d, true); }
    }

    [Fact]
    public void LabeledFolder_HasIdentityFolders_GroupsFile_AndParams()
    {
        string dir = TempDir("layout");
        try
        {
            var s = ProceduralDataset.Generate(dir, new ProceduralDatasetOptions
            {
                Identities = 6, ImagesPerIdentity = 2, Size = 32, Seed = 5, Groups = ["A", "C", "D"], IdentityOffset = 100,
            });
            Assert.Equal(12, s.Images);
            Assert.Equal((100L, 106L), (s.FirstIdentity, s.EndIdentity));
            var idDirs = Directory.GetDirectories(dir).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(["A_000100", "A_000103", "C_000101", "C_000104", "D_000102", "D_000105"], idDirs);
            foreach (var d in idDirs)
            {
                var imgs = Directory.GetFiles(Path.Combine(dir, d!), "*.png");
                Assert.Equal(2, imgs.Length);
                var img = ImageDecoder.Decode(imgs[0]);
                Assert.Equal((32, 32), (img.Width, img.Height));
            }
            var groups = File.ReadAllLines(Path.Combine(dir, "groups.txt")).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(6, groups.Count);
            foreach (var (id, g) in groups) Assert.StartsWith(g + "_", id);
            Assert.Contains("\"Group\": \"C\"", File.ReadAllText(Path.Combine(dir, "identity_params.json")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UnlabeledPool_IsFlat_Counted_AndDisjointFromOtherRanges()
    {
        string dir = TempDir("pool");
        try
        {
            var s = ProceduralDataset.GenerateUnlabeled(dir, new UnlabeledPoolOptions
            {
                Count = 9, ImagesPerIdentity = 2, Size = 32, Seed = 5, GroupMix = new Dictionary<string, double> { ["B"] = 1 },
                IdentityOffset = ProceduralDataset.PoolOffset(1),
            });
            Assert.Equal(9, Directory.GetFiles(dir, "*.png").Length);
            Assert.Empty(Directory.GetDirectories(dir));
            Assert.False(File.Exists(Path.Combine(dir, "groups.txt")));
            Assert.Equal(5, s.Identities);
            Assert.Equal(ProceduralDataset.PoolOffset(1), s.FirstIdentity);
            Assert.True(s.FirstIdentity >= ProceduralDataset.IndexBlock * 2 && s.EndIdentity <= ProceduralDataset.IndexBlock * 3);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Groups_ShiftSkinTone()
    {
        float Lightness(string g) => Enumerable.Range(0, 200).Select(i => FaceIdentity.Sample(3, i, g).Skin).Average(c => (c.R + c.G + c.B) / 3f);
        Assert.True(Lightness("A") < Lightness("D") && Lightness("D") < Lightness("C"), $"A {Lightness("A")}, D {Lightness("D")}, C {Lightness("C")}");
    }

    [Fact]
    public void SameIdentity_IsCloserInPixelSpace_ThanDifferentIdentities()
    {
        var faces = ProceduralDataset.Render(new ProceduralDatasetOptions { Identities = 40, ImagesPerIdentity = 4, Size = 32, Seed = 9 });
        double same = 0, diff = 0;
        int ns = 0, nd = 0;
        for (int i = 0; i < faces.Length; i++)
        {
            for (int a = 0; a < 4; a++)
                for (int b = a + 1; b < 4; b++) { same += FaceDistance(faces[i].Images[a], faces[i].Images[b]); ns++; }
            var other = faces[(i + 1) % faces.Length];
            for (int a = 0; a < 4; a++) { diff += FaceDistance(faces[i].Images[a], other.Images[(a + 1) % 4]); nd++; }
        }
        same /= ns; diff /= nd;
        output.WriteLine($"mean pixel distance same {same:F4}, different {diff:F4}, ratio {diff / same:F2}");
        Assert.True(diff > same * 1.6, $"mean pixel distance same {same:F4} vs different {diff:F4}");
    }

    /// <summary>Mean squared difference over the inner face box (the background is a nuisance of its own).</summary>
    private static double FaceDistance(RgbImage a, RgbImage b)
    {
        int lo = a.Width * 30 / 112, hi = a.Width * 100 / 112;
        double s = 0;
        int n = 0;
        for (int c = 0; c < 3; c++)
            for (int y = lo; y < hi; y++)
                for (int x = lo; x < hi; x++) { double d = a[c, y, x] - b[c, y, x]; s += d * d; n++; }
        return s / n;
    }

    [Fact]
    public void RenderFacesVerb_WritesALabeledFolder()
    {
        string dir = TempDir("cli");
        try
        {
            int rc = FaceBoost.Cli.Program.BuildRoot().Parse(["render-faces", "--out", dir, "--identities", "3", "--images-per-identity", "2", "--size", "32", "--seed", "4", "--groups", "B,D"]).Invoke();
            Assert.Equal(0, rc);
            Assert.Equal(["B_000000", "B_000002", "D_000001"], Directory.GetDirectories(dir).Select(Path.GetFileName).Order().ToList());
            Assert.Equal(6, Directory.GetFiles(dir, "*.png", SearchOption.AllDirectories).Length);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UnknownGroup_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => ProceduralDataset.Generate(Path.GetTempPath(), new ProceduralDatasetOptions { Groups = ["X"] }));
        Assert.Contains("unknown procedural group 'X'", e.Message);
    }

    [SkippableFact]
    public void MobileFaceNet_SeparatesProceduralIdentities_ButNotPerfectly()
    {
        var model = SharedData.Require("models", "mobilefacenet-128d.onnx");
        var faces = ProceduralDataset.Render(new ProceduralDatasetOptions { Identities = 60, ImagesPerIdentity = 4, Size = 64, Seed = 2024 });
        var emb = ReferenceVerification.Embed(model, faces.SelectMany(f => f.Images).ToList());
        var labels = faces.SelectMany((f, i) => Enumerable.Repeat(i, f.Images.Length)).ToList();
        var r = ReferenceVerification.Evaluate(emb, labels);
        output.WriteLine($"MobileFaceNet: cos same {r.MeanSame:F3}, different {r.MeanDifferent:F3}, best accuracy {r.BestAccuracy:P1}, AUC {r.Auc:F3}");
        Assert.True(r.MeanSame > r.MeanDifferent + 0.05, $"mean cosine same {r.MeanSame:F3} vs different {r.MeanDifferent:F3}");
        Assert.InRange(r.BestAccuracy, 0.62, 0.97);
    }
}
