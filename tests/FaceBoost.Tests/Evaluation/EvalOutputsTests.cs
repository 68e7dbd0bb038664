using System.Diagnostics;
using System.Text.Json.Nodes;
using FaceBoost.Evaluation;

namespace FaceBoost.Tests.Evaluation;

/// <summary>What `faceboost eval` writes besides results.json, and recomputing figures from it.</summary>
public sealed class EvalOutputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-evalout-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static int Cli(params string[] args) => FaceBoost.Cli.Program.BuildRoot().Parse(args).Invoke();

    [Fact]
    public void NpyFilesRoundTripWithTheVersion1Header()
    {
        var path = Path.Combine(_dir, "e.npy");
        float[][] rows = [[1f, -2.5f, 3f], [0.125f, 0f, float.Epsilon]];
        using (var s = File.Create(path)) NpyFile.Write(s, rows, 3);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        int hlen = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + hlen) % 64);
        Assert.Equal(10 + hlen + 2 * 3 * 4, bytes.Length);
        Assert.Equal(rows, NpyFile.Read(path));
    }

    [SkippableFact]
    public void OrlEvalWritesPairsScoresAndEmbeddingsThatRecomputeTheFigures()
    {
        var model = SharedData.Require("models", "mobilefacenet-128d.onnx");
        var orl = SharedData.Require("data", "orl");
        var outDir = Path.Combine(_dir, "orl");
        Assert.Equal(0, Cli("eval", "--model", model, "--dataset", orl, "--num-pairs", "600", "--preprocess", "pad", "--threads", "2", "--out", outDir));
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        Assert.Equal("insightface", (string?)results["protocol"]!["name"]);
        Assert.True((bool)results["protocol"]!["flip_sum"]!);
        Assert.Equal("insightface", (string?)results["overall"]!["accuracy_protocol"]);

        var pairs = File.ReadAllLines(Path.Combine(outDir, "pairs.tsv"));
        Assert.Equal(601, pairs.Length);
        Assert.StartsWith("pair\tpath_a\tpath_b\tlabel\tfold\tgroup", pairs[0]);
        var rows = File.ReadAllLines(Path.Combine(outDir, "embeddings.tsv")).Length - 1;
        var emb = NpyFile.Read(Path.Combine(outDir, "embeddings.npy"));
        Assert.Equal(rows, emb.Length);
        Assert.Equal(128, emb[0].Length);
        Assert.InRange(emb[0].Sum(x => (double)x * x), 0.999, 1.001);

        // The accuracy recomputed from scores.tsv alone equals results.json.
        var again = Path.Combine(_dir, "again");
        Assert.Equal(0, Cli("eval", "--from-scores", Path.Combine(outDir, "scores.tsv"), "--out", again));
        var re = JsonNode.Parse(File.ReadAllText(Path.Combine(again, "results.json")))!;
        Assert.Equal((double)results["overall"]!["accuracy_mean"]!, (double)re["overall"]!["accuracy_mean"]!, 12);
        Assert.Equal((double)results["overall"]!["accuracy_std"]!, (double)re["overall"]!["accuracy_std"]!, 12);
        Assert.Equal((double?)results["overall"]!["tar_at_far"]![0]!["tar"], (double?)re["overall"]!["tar_at_far"]![0]!["tar"]);

        // NumPy reads the .npy (when Debian's python3-numpy is installed).
        const string python = "/usr/bin/python3";
        if (File.Exists(python))
        {
            var psi = new ProcessStartInfo(python, ["-c", "import sys, numpy as np; a = np.load(sys.argv[1]); print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], float((a*a).sum(1).mean()))", Path.Combine(outDir, "embeddings.npy")])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (!output.Contains("No module named 'numpy'", StringComparison.Ordinal))
            {
                Assert.True(p.ExitCode == 0, output);
                Assert.StartsWith($"float32 ({rows}, 128) True", output.Trim());
            }
        }
    }

    [Fact]
    public void ArmResultsWriteRocCsvAndNullsAndStillReadTheOldRocPngName()
    {
        var figures = new FaceBoost.Experiments.VerificationFigures(0.9, 0.01, 0.5, null, 0.95, null, 100);
        var r = new FaceBoost.Experiments.ArmResult("scratch", 0.1, 0, "orl", figures, new Dictionary<string, FaceBoost.Experiments.VerificationFigures>(), "roc-orl.csv");
        var json = System.Text.Json.JsonSerializer.Serialize(r, FaceBoost.Experiments.JsonConfig.Options);
        Assert.Contains("\"rocCsv\": \"roc-orl.csv\"", json);
        Assert.DoesNotContain("rocPng", json);
        Assert.DoesNotContain("NaN", json);
        Assert.Contains("\"tarAtFar1e3\": null", json);
        var old = json.Replace("\"rocCsv\"", "\"rocPng\"", StringComparison.Ordinal).Replace("\"tarAtFar1e3\": null", "\"tarAtFar1e3\": \"NaN\"", StringComparison.Ordinal);
        var back = System.Text.Json.JsonSerializer.Deserialize<FaceBoost.Experiments.ArmResult>(old, FaceBoost.Experiments.JsonConfig.Options)!;
        Assert.Equal("roc-orl.csv", back.RocCsv);
    }

    [Fact]
    public void SingleClassFoldsWarnAndAreFlagged()
    {
        // A generated list is genuine first, then impostors: consecutive folds are one class each.
        var scores = Path.Combine(_dir, "scores.tsv");
        var lines = new List<string> { EvalArtifacts.ScoresHeader };
        for (int i = 0; i < 100; i++) lines.Add($"{i}\t{(i < 50 ? 0.6 + i * 0.001 : 0.2 + i * 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture)}\t{(i < 50 ? 1 : 0)}\t-1\t\t-1");
        File.WriteAllLines(scores, lines);
        var outDir = Path.Combine(_dir, "warn");
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { Assert.Equal(0, Cli("eval", "--from-scores", scores, "--fold-scheme", "consecutive", "--out", outDir)); }
        finally { Console.SetError(old); }
        Assert.Contains("only one class", err.ToString());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        Assert.True((bool)json["single_class_folds"]!);
        Assert.Equal(10, json["overall"]!["single_class_folds"]!.AsArray().Count);
        var text = File.ReadAllText(Path.Combine(outDir, "results.json"));
        Assert.DoesNotContain("NaN", text);
        // 45 training impostors per fold cannot reach FAR 1e-2 → reported, with the note; never "NaN".
        Assert.NotNull(json["overall"]!["tar_at_far"]![1]!["note"]);
    }
}
