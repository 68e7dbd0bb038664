using FaceBoost.Evaluation;

namespace FaceBoost.Tests.Evaluation;

public sealed class PairFileAndCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-evalcli-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void ReadsLfwStyleAndGenericPairLists()
    {
        var lfw = Path.Combine(_dir, "pairs.txt");
        File.WriteAllLines(lfw, ["10\t300", "Abel_Pacheco\t1\t4", "Abdel_Madi_Shabneh\t1\tDean_Barker\t1"]);
        var p = PairFileReader.Read(lfw, "/lfw", group: "African");
        Assert.Equal(2, p.Count);
        Assert.Equal("/lfw/Abel_Pacheco/Abel_Pacheco_0001.jpg", p[0].PathA);
        Assert.Equal("/lfw/Abel_Pacheco/Abel_Pacheco_0004.jpg", p[0].PathB);
        Assert.True(p[0].Same);
        Assert.Equal("/lfw/Dean_Barker/Dean_Barker_0001.jpg", p[1].PathB);
        Assert.False(p[1].Same);
        Assert.Equal("African", p[1].Group);

        var generic = Path.Combine(_dir, "generic.txt");
        File.WriteAllLines(generic, ["a/1.png b/2.png 1", "a/1.png c/3.png diff Asian"]);
        var g = PairFileReader.Read(generic, "/root");
        Assert.Equal(("/root/a/1.png", true, (string?)null), (g[0].PathA, g[0].Same, g[0].Group));
        Assert.Equal((false, "Asian"), (g[1].Same, g[1].Group));

        File.WriteAllLines(generic, ["a/1.png b/2.png maybe"]);
        var ex = Assert.Throws<FormatException>(() => PairFileReader.Read(generic));
        Assert.Contains("generic.txt:1", ex.Message);
    }

    [Fact]
    public void GeneratedPairsAreBalancedDistinctAndSeeded()
    {
        var images = Enumerable.Range(0, 5).SelectMany(id => Enumerable.Range(0, 4).Select(i => ($"/d/{id}/{i}.png", id.ToString()))).ToList();
        var a = PairGenerator.Generate(images, 40, seed: 7);
        Assert.Equal(20, a.Count(p => p.Same));
        Assert.Equal(40, a.Select(p => (p.PathA, p.PathB)).Distinct().Count());
        Assert.All(a.Where(p => p.Same), p => Assert.Equal(Path.GetDirectoryName(p.PathA), Path.GetDirectoryName(p.PathB)));
        Assert.Equal(a, PairGenerator.Generate(images, 40, seed: 7));
        Assert.Throws<ArgumentException>(() => PairGenerator.Generate(images, 100, seed: 7)); // only 30 genuine pairs exist
    }

    [SkippableFact]
    public void EvalVerbWritesResultsTableAndPlot()
    {
        var model = SharedData.Require("models", "mobilefacenet-128d.onnx");
        var orl = SharedData.Require("data", "orl");
        // Four identities → 180 genuine + impostors from a generic list; small enough for a CLI smoke test.
        var lines = new List<string>();
        for (int s = 1; s <= 4; s++)
            for (int i = 1; i <= 10; i++)
                for (int j = i + 1; j <= 10; j++) lines.Add($"s{s}/{i}.pgm\ts{s}/{j}.pgm\t1\t{(s <= 2 ? "A" : "B")}");
        for (int s = 1; s <= 4; s++)
            for (int t = s + 1; t <= 4; t++)
                for (int i = 1; i <= 10; i++)
                    for (int j = 1; j <= 5; j++) lines.Add($"s{s}/{i}.pgm\ts{t}/{j}.pgm\t0\t{(s <= 2 ? "A" : "B")}");
        var pairs = Path.Combine(_dir, "orl_pairs.txt");
        File.WriteAllLines(pairs, lines);
        var outDir = Path.Combine(_dir, "out");
        int rc = FaceBoost.Cli.Program.BuildRoot().Parse(
            ["eval", "--model", model, "--pairs", pairs, "--images", orl, "--preprocess", "pad", "--threads", "2", "--out", outDir]).Invoke();
        Assert.Equal(0, rc);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        Assert.Equal(2, json["groups"]!.AsArray().Count);
        Assert.InRange((double)json["overall"]!["auc"]!, 0.95, 1.0); // measured 0.99+ on these 4 identities
        Assert.Contains("Avg", File.ReadAllText(Path.Combine(outDir, "table.md")));
        Assert.True(new FileInfo(Path.Combine(outDir, "roc.png")).Length > 5000);
    }

    [Fact]
    public void EvalVerbFailsClearlyOnAMissingModel()
    {
        var pairs = Path.Combine(_dir, "p.txt");
        File.WriteAllLines(pairs, ["a.png b.png 1", "a.png c.png 0"]);
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            int rc = FaceBoost.Cli.Program.BuildRoot().Parse(["eval", "--model", Path.Combine(_dir, "nope.onnx"), "--pairs", pairs]).Invoke();
            Assert.Equal(2, rc);
        }
        finally { Console.SetError(old); }
        Assert.Contains("nope.onnx", err.ToString());
    }
}
