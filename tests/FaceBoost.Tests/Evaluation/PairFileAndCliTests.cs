using FaceBoost.Evaluation;

namespace FaceBoost.Tests.Evaluation;

public sealed class PairFileAndCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-evalcli-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void DetectsListFormatsAndUsesLfwFolds()
    {
        var lfw = Path.Combine(_dir, "pairs.txt");
        File.WriteAllLines(lfw, ["2\t1", "Abel_Pacheco\t1\t4", "Abdel_Madi_Shabneh\t1\tDean_Barker\t1", "Dean_Barker\t1\t2", "Abel_Pacheco\t2\tDean_Barker\t2"]);
        Assert.True(PairFileReader.IsLfwStyle(lfw));
        var p = PairFileReader.Read(lfw, "/lfw");
        Assert.Equal(4, p.Count);
        Assert.Equal("/lfw/Abel_Pacheco/Abel_Pacheco_0004.jpg", p[0].PathB);
        Assert.Equal([0, 0, 1, 1], p.Select(x => x.Fold));
        var rfw = PairFileReader.Read(lfw, "/rfw", group: "African");
        Assert.All(rfw, x => Assert.Equal("African", x.Group));

        // Folds from the list win over the configured scheme: 2 folds of 2 pairs.
        var r = VerificationEvaluator.FromScores(p, [0.9, 0.1, 0.8, 0.2], new MetricsOptions { Protocol = VerificationProtocol.Exact, FoldScheme = FoldScheme.Stratified });
        Assert.Equal(2, r.Overall.KFold.FoldAccuracies.Length);
        Assert.Equal(FoldScheme.Consecutive, r.Protocol.FoldScheme);
        Assert.Equal(1.0, r.Overall.KFold.Mean);

        var generic = Path.Combine(_dir, "generic.txt");
        File.WriteAllLines(generic, ["a/1.png\tb/2.png\t1", "a/1.png\tc/3.png\t0\tAsian"]);
        Assert.False(PairFileReader.IsLfwStyle(generic));
        var g = PairFileReader.Read(generic, "/root");
        Assert.Equal(("/root/a/1.png", true), (g[0].PathA, g[0].Same));
        Assert.Equal((false, "Asian"), (g[1].Same, g[1].Group));
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
        Assert.Equal("stratified", (string?)json["protocol"]!["fold_scheme"]); // a generic list sorted by label
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
