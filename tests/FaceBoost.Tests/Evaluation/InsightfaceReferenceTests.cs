using System.Diagnostics;
using System.Text.Json.Nodes;
using FaceBoost.Data;
using FaceBoost.Evaluation;

namespace FaceBoost.Tests.Evaluation;

/// <summary>FaceBoost's insightface protocol against figures computed once by bench/reference/insightface_verification.py
/// (a re-implementation of insightface's verification.py, run with Debian's NumPy/SciPy/scikit-learn) on committed
/// synthetic scores: fixtures/expected.json. Equal to 4 decimals.</summary>
public sealed class InsightfaceReferenceTests
{
    private static readonly string Reference = FindReference();
    private static readonly JsonNode Expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Reference, "fixtures", "expected.json")))!;
    private static readonly MetricsOptions Options = new() { FarTargets = [1e-2, 1e-3], FoldScheme = FoldScheme.Consecutive };

    private static string FindReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "bench", "reference");
            if (File.Exists(Path.Combine(p, "fixtures", "expected.json"))) return p;
        }
        throw new InvalidOperationException("bench/reference/fixtures/expected.json not found above the test binary");
    }

    private static string Fixture(string name) => Path.Combine(Reference, "fixtures", name);

    private static void AssertMatches(JsonNode expected, VerificationMetrics m)
    {
        Assert.Equal(VerificationProtocol.Insightface, m.Protocol);
        Assert.Equal((int)expected["pairs"]!, m.Pairs);
        var sizes = expected["fold_sizes"]!.AsArray().Select(x => (int)x!).ToArray();
        Assert.Equal(sizes, Enumerable.Range(0, sizes.Length).Select(f => m.Folds.Count(x => x == f)).ToArray());
        Assert.Equal((double)expected["accuracy"]!, m.KFold.Mean, 4);
        Assert.Equal((double)expected["std"]!, m.KFold.Std, 4);
        var accs = expected["fold_accuracies"]!.AsArray().Select(x => (double)x!).ToArray();
        for (int f = 0; f < accs.Length; f++) Assert.Equal(accs[f], m.KFold.FoldAccuracies[f], 4);
        var ths = expected["fold_thresholds"]!.AsArray().Select(x => (double)x!).ToArray();
        for (int f = 0; f < ths.Length; f++) Assert.Equal(ths[f], m.KFold.FoldThresholds[f], 4);
        Assert.Equal((double)expected["auc"]!, m.Auc, 4);
        foreach (var t in expected["tar_at_far"]!.AsArray())
        {
            var mine = m.TarAtFar.Single(x => Math.Abs(x.TargetFar - (double)t!["far"]!) < 1e-12);
            Assert.Equal((double)t!["tar"]!, mine.Tar!.Value, 4);
            Assert.Equal((double)t["std"]!, mine.TarStd!.Value, 4);
            Assert.Equal((double)t["achieved_far"]!, mine.AchievedFar, 4);
        }
    }

    private static VerificationReport FromScoreFile(string name, MetricsOptions options)
    {
        var sf = EvalArtifacts.ReadScores(Fixture(name));
        return VerificationEvaluator.FromScores(sf.Pairs, sf.Scores, options);
    }

    [Theory]
    [InlineData("ties")]   // scores on a 0.02 grid: many equally accurate grid thresholds
    [InlineData("n597")]   // 597 pairs: KFold's 60 ×7 + 59 ×3
    public void ConsecutiveFoldsMatchTheReference(string name)
    {
        var r = FromScoreFile(name + ".tsv", Options);
        AssertMatches(Expected["cases"]![name]!["overall"]!, r.Overall);
    }

    [Fact]
    public void GeneratedListWithStratifiedFoldsMatchesTheReference()
    {
        // generated.tsv is what `eval --from-scores generated_input.tsv --fold-scheme stratified` wrote: its fold column is
        // FaceBoost's seeded stratified split, which the reference reads.
        var sf = EvalArtifacts.ReadScores(Fixture("generated.tsv"));
        var folds = VerificationFolds.Assign(sf.Pairs.Select(p => p.Same).ToArray(), 10, FoldScheme.Stratified, seed: 0);
        Assert.Equal(sf.Pairs.Select(p => p.Fold), folds);
        var input = EvalArtifacts.ReadScores(Fixture("generated_input.tsv"));
        var r = VerificationEvaluator.FromScores(input.Pairs, input.Scores, Options with { FoldScheme = FoldScheme.Stratified });
        AssertMatches(Expected["cases"]!["generated"]!["overall"]!, r.Overall);
    }

    [Fact]
    public void LfwListWithHeaderFoldsMatchesTheReference()
    {
        var pairs = PairSets.Read(Fixture("lfw_pairs.txt"), new PairListOptions { ImageRoot = "/lfw" });
        Assert.Equal(600, pairs.Count);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => i / 60), pairs.Select(p => p.Fold));
        var sf = EvalArtifacts.ReadScores(Fixture("lfw.tsv"));
        Assert.Equal(sf.Pairs.Select(p => p.Same), pairs.Select(p => p.Same));
        var r = VerificationEvaluator.FromScores(pairs, sf.Scores, Options with { FoldScheme = FoldScheme.Stratified }); // header folds win
        AssertMatches(Expected["cases"]!["lfw"]!["overall"]!, r.Overall);
    }

    [Fact]
    public void RfwPerGroupRunMatchesTheReference()
    {
        string[] groups = ["African", "Asian", "Caucasian", "Indian"];
        var pairs = groups.SelectMany(g => PairSets.Read(Fixture(Path.Combine("rfw", g + "_pairs.txt")), new PairListOptions { ImageRoot = "/rfw", Group = g })).ToList();
        var sf = EvalArtifacts.ReadScores(Fixture("rfw.tsv"));
        Assert.Equal(sf.Pairs.Select(p => (p.Same, p.Group)), pairs.Select(p => (p.Same, p.Group)));
        var r = VerificationEvaluator.FromScores(pairs, sf.Scores, Options);
        var expected = Expected["cases"]!["rfw"]!;
        AssertMatches(expected["overall"]!, r.Overall);
        Assert.Equal(groups, r.Groups.Select(g => g.Name));
        foreach (var g in r.Groups) AssertMatches(expected["groups"]![g.Name]!, g.Metrics);
        Assert.Equal((double)expected["group_avg"]!, r.GroupSummary!.Avg, 4);
        Assert.Equal((double)expected["group_std"]!, r.GroupSummary.Std, 4);
    }

    /// <summary>The committed expected values are what the script computes today (when Debian's SciPy stack is installed).</summary>
    [SkippableFact]
    public void ReferenceScriptReproducesTheCommittedValues()
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(File.Exists(python), "no /usr/bin/python3");
        var probe = Run(python, "-c \"import numpy, scipy, sklearn\"");
        Skip.If(probe.Code != 0, "python3-numpy/scipy/sklearn are not installed");
        var (code, output) = Run(python, $"\"{Path.Combine(Reference, "insightface_verification.py")}\" \"{Fixture("n597.tsv")}\"");
        Assert.True(code == 0, output);
        var json = JsonNode.Parse(output)!;
        var want = Expected["cases"]!["n597"]!["overall"]!;
        Assert.Equal((double)want["accuracy"]!, (double)json["overall"]!["accuracy"]!, 10);
        Assert.Equal((double)want["tar_at_far"]![0]!["tar"]!, (double)json["overall"]!["tar_at_far"]![0]!["tar"]!, 10);
    }

    private static (int Code, string Output) Run(string exe, string args)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
