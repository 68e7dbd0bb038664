using FaceBoost.Data;
using FaceBoost.Imaging;

namespace FaceBoost.Tests.Data;

public sealed class DatasetLayoutTests
{
    private static void Png(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var img = new RgbImage(4, 4);
        Array.Fill(img.Pixels, 0.5f);
        ImageWriter.Save(img, path);
    }

    [Fact]
    public void NestedFolderInsideAnIdentityIsAClearError()
    {
        using var tmp = new TempDir();
        Png(tmp["alice/1.png"]);
        Png(tmp["bob/extra/2.png"]);
        var ex = Assert.Throws<InvalidDataException>(() => FaceDataset.FromFolder(tmp.Path));
        Assert.Contains("extra", ex.Message);
        Assert.Contains("bob", ex.Message);
        Assert.Equal(2, FaceDataset.Unlabeled(tmp.Path).Count); // any depth is fine unlabeled
    }

    [Fact]
    public void ExtensionlessImagesAreSniffedAndGroupsCarriedThrough()
    {
        using var tmp = new TempDir();
        Png(tmp["African/m.01/m.01_0001.jpg"]);
        Png(tmp["African/m.01/no-extension"]);
        Png(tmp["Asian/m.02/m.02_0001.jpg"]);
        File.WriteAllText(tmp["Asian/m.02/notes.txt"], "not an image");
        var ds = FaceDataset.FromGroupedFolder(tmp.Path);
        Assert.Equal(["m.01", "m.02"], ds.Identities);
        Assert.Equal(3, ds.Count);
        Assert.Equal("African", ds.GroupOfIdentity["m.01"]);
        Assert.All(ds.Samples, s => Assert.Equal(ds.GroupOf(s.Label), s.Group));
        Assert.Contains(ds.IgnoredFiles, f => f.Path.EndsWith("notes.txt"));

        File.WriteAllText(tmp["groups.txt"], "m.01 Indian\nm.02 Caucasian\n");
        var regrouped = FaceDataset.FromFolder(tmp["African"]).WithGroupsFile(tmp["groups.txt"]);
        Assert.Equal("Indian", regrouped.Samples[0].Group);
    }

    [SkippableFact]
    public void YaleValidationDecodesEverythingAndFlagsDarkImagesWithoutFailing()
    {
        var ds = FaceDataset.FromFolder(SharedData.Require("data", "extended-yaleb"), exclude: ImageFiles.Glob("*_Ambient.pgm"));
        var v = ds.Validate(workers: 2);
        Assert.Equal(ds.Count, v.Usable);
        Assert.Empty(v.Problems);
        Assert.Equal((168, 192), v.MinSize);
        Assert.All(v.Warnings, w => Assert.Contains("very dark", w.Reason));
    }
}
