using FaceBoost.Faces;
using FaceBoost.Imaging;

namespace FaceBoost.Tests.Faces;

public sealed class FacePreparerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"faceboost-prepare-test-{Guid.NewGuid():N}");

    [SkippableFact]
    public void Labeled_tree_is_aligned_resumably_and_every_skip_is_reported()
    {
        var model = SharedData.Require("models", "yunet-face-detector.onnx");
        var images = SharedData.Require("data", "celeba-dev", "images");
        // A small labeled tree: two identities of real photos, a corrupt file and a faceless image.
        var input = Path.Combine(_dir, "in");
        Directory.CreateDirectory(Path.Combine(input, "a"));
        Directory.CreateDirectory(Path.Combine(input, "b"));
        foreach (var (name, id) in new[] { ("000176.jpg", "a"), ("000280.jpg", "a"), ("000625.jpg", "b") })
            File.Copy(Path.Combine(images, name), Path.Combine(input, id, name));
        File.WriteAllText(Path.Combine(input, "b", "broken.jpg"), "not a jpeg");
        var grey = new RgbImage(96, 96); Array.Fill(grey.Pixels, 0.5f);
        ImageWriter.Save(grey, Path.Combine(input, "b", "blank.png"));

        var output = Path.Combine(_dir, "out");
        var items = PrepareInputs.FromTree(input);
        Assert.Equal(5, items.Count);
        var options = new PrepareOptions(model, new AlignmentOptions(OutputSize: 64), Workers: 2);
        var reports = new List<PrepareProgress>();
        var first = new FacePreparer(options).Run(items, output, new SyncProgress(reports));

        Assert.Equal(4, first.ImagesRead);
        Assert.Equal(3, first.FacesWritten);
        Assert.Equal(3, first.ImagesWithAlignedFace);
        Assert.Single(first.DecodeErrors, s => s.File.EndsWith("broken.jpg"));
        Assert.Single(first.NoFace, s => s.File.EndsWith("blank.png"));
        Assert.Equal(5, reports.Count);
        foreach (var rel in new[] { "a/000176.png", "a/000280.png", "b/000625.png" })
        {
            var crop = ImageDecoder.Decode(Path.Combine(output, rel));
            Assert.Equal(64, crop.Width);
            Assert.Equal(64, crop.Height);
        }
        var saved = PrepareSummary.FromJson(File.ReadAllText(Path.Combine(output, PrepareSummary.JsonName)));
        Assert.Equal(3, saved.FacesWritten);
        Assert.Contains("broken.jpg", File.ReadAllText(Path.Combine(output, PrepareSummary.TextName)));

        // A second run redoes nothing that exists.
        var again = new FacePreparer(options).Run(items, output);
        Assert.Equal(3, again.ImagesAlreadyDone);
        Assert.Equal(0, again.FacesWritten);
    }

    [Fact]
    public void List_file_with_identities_builds_a_labeled_layout()
    {
        Directory.CreateDirectory(_dir);
        var list = Path.Combine(_dir, "identity.txt");
        File.WriteAllLines(list, ["# comment", "x/000176.jpg 7434", "", "000280.jpg"]);
        var items = PrepareInputs.FromListFile(list, "/photos");
        Assert.Equal(2, items.Count);
        Assert.Equal(Path.Combine("/photos", "x/000176.jpg"), items[0].SourcePath);
        Assert.Equal(Path.Combine("7434", "000176"), items[0].OutputStem);
        Assert.Equal("000280", items[1].OutputStem);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private sealed class SyncProgress(List<PrepareProgress> into) : IProgress<PrepareProgress>
    {
        public void Report(PrepareProgress value) { lock (into) into.Add(value); }
    }
}
