namespace FaceBoost.Tests.Faces;

public sealed class PrepareVerbTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"faceboost-prepare-cli-{Guid.NewGuid():N}");

    [SkippableFact]
    public void Prepare_writes_crops_summary_and_contact_sheet_from_a_list_file()
    {
        var model = SharedData.Require("models", "yunet-face-detector.onnx");
        var celeba = SharedData.Require("data", "celeba-dev");
        Directory.CreateDirectory(_dir);
        var list = Path.Combine(_dir, "list.txt");
        File.WriteAllLines(list, File.ReadLines(Path.Combine(celeba, "identity.txt")).Take(3));
        var output = Path.Combine(_dir, "out");
        var sheet = Path.Combine(_dir, "sheet.png");

        int rc = FaceBoost.Cli.Program.BuildRoot().Parse(
            ["prepare", "--input", Path.Combine(celeba, "images"), "--list-file", list, "--output", output,
             "--detector", model, "--size", "64", "--margin", "0.1", "--workers", "1", "--contact-sheet", sheet]).Invoke();

        Assert.Equal(0, rc);
        Assert.Equal(3, Directory.GetFiles(output, "*.png", SearchOption.AllDirectories).Length);
        Assert.True(File.Exists(Path.Combine(output, "prepare-summary.json")));
        Assert.True(File.Exists(sheet));
    }

    [Fact]
    public void Missing_detector_model_is_a_clear_error_not_a_crash()
    {
        Directory.CreateDirectory(_dir);
        var err = new StringWriter();
        int rc = FaceBoost.Cli.Program.Run(
            ["prepare", "--input", _dir, "--output", Path.Combine(_dir, "out"), "--detector", Path.Combine(_dir, "nope.onnx")], err);
        Assert.Equal(2, rc);
        Assert.StartsWith("faceboost prepare:", err.ToString());
        Assert.Contains("nope.onnx", err.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
