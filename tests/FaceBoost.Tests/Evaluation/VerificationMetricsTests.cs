using FaceBoost.Data;
using FaceBoost.Evaluation;

namespace FaceBoost.Tests.Evaluation;

/// <summary>Protocol figures against small cases computed by hand (derivations in the comments).</summary>
public sealed class VerificationMetricsTests
{
    [Fact]
    public void PerfectlySeparableScoresGiveAccuracyOneAndEerZero()
    {
        var scores = Enumerable.Range(0, 20).Select(i => i < 10 ? 0.9 - 0.01 * i : 0.1 + 0.01 * i).ToArray();
        var same = Enumerable.Range(0, 20).Select(i => i < 10).ToArray();
        var m = VerificationMetrics.Compute(scores, same, new MetricsOptions { Protocol = VerificationProtocol.Exact, FoldScheme = FoldScheme.Stratified });
        Assert.Equal(1.0, m.KFold.Mean);
        Assert.Equal(0.0, m.KFold.Std);
        Assert.Equal(1.0, m.BestAccuracy);
        Assert.Equal(1.0, m.Auc, 12);
        Assert.Equal(0.0, m.Eer, 12);
    }

    // Two consecutive folds. Fold 0: g .9, g .6, i .5, i .2 ; fold 1: g .8, g .4, i .7, i .1.
    // Threshold for fold 0 is chosen on fold 1 (sorted .1i .4g .7i .8g): cuts give 2,3,2,3,2 correct of 4,
    // the first best cut is between .1 and .4 → t = .25; on fold 0 it misclassifies i .5 → 3/4.
    // Threshold for fold 1 from fold 0 (.2i .5i .6g .9g): t = .55 separates it; on fold 1 g .4 and i .7 are
    // wrong → 2/4. Mean .625, population std .125, whereas one global threshold reaches 6/8 = .75.
    private static readonly double[] CraftedScores = [0.9, 0.6, 0.5, 0.2, 0.8, 0.4, 0.7, 0.1];
    private static readonly bool[] CraftedSame = [true, true, false, false, true, true, false, false];

    [Fact]
    public void FoldThresholdIsChosenOnTheOtherFolds()
    {
        var m = VerificationMetrics.Compute(CraftedScores, CraftedSame, new MetricsOptions { Protocol = VerificationProtocol.Exact, Folds = 2, FoldScheme = FoldScheme.Consecutive });
        Assert.Equal([0.75, 0.5], m.KFold.FoldAccuracies);
        Assert.Equal(0.25, m.KFold.FoldThresholds[0], 12);
        Assert.Equal(0.55, m.KFold.FoldThresholds[1], 12);
        Assert.Equal(0.625, m.KFold.Mean, 12);
        Assert.Equal(0.125, m.KFold.Std, 12);
        Assert.Equal(0.75, m.BestAccuracy, 12);
    }

    [Fact]
    public void AucAndEerOfCraftedCase()
    {
        // Genuine {.9,.8,.6,.4} beat impostors {.7,.5,.2,.1} in 4+4+3+2 = 13 of 16 comparisons.
        // ROC (FAR,TAR): (0,0) (0,.25) (0,.5) (.25,.5) (.25,.75) ... → FAR = FRR = .25 at (.25,.75).
        var roc = RocCurve.Compute(CraftedScores, CraftedSame);
        Assert.Equal(13.0 / 16, roc.Auc, 12);
        Assert.Equal(0.25, roc.Eer, 12);
        Assert.Equal(0.6, roc.EerThreshold, 12);
        Assert.Equal((0.0, 0.0), (roc.Points[0].Far, roc.Points[0].Tar));
        Assert.Equal((1.0, 1.0), (roc.Points[^1].Far, roc.Points[^1].Tar));
    }

    [Fact]
    public void TiedScoresCountHalfInAuc()
    {
        // g .9 beats both impostors; g .5 ties i .5 (½) and beats i .1 → 3.5 / 4.
        var roc = RocCurve.Compute([0.9, 0.5, 0.5, 0.1], [true, true, false, false]);
        Assert.Equal(0.875, roc.Auc, 12);
        Assert.Equal(0.5, RocCurve.Compute([0.5, 0.5], [true, false]).Auc, 12);
    }

    [Fact]
    public void EerInterpolatesBetweenOperatingPoints()
    {
        // Points (0,0) (0,.5) [g .9] (.5,.5) [i .8] (.5,1) [g .7] (1,1) [i .6]: FAR−FRR goes −.5 → 0 at (.5,.5).
        var roc = RocCurve.Compute([0.9, 0.8, 0.7, 0.6], [true, false, true, false]);
        Assert.Equal(0.5, roc.Eer, 12);
        Assert.Equal(0.75, roc.Auc, 12);
    }

    [Fact]
    public void TarAtFarUsesImpostorQuantilesAndSaysWhenUnresolved()
    {
        // 1000 impostors at 0, .001, ..., .999; genuine: 30 at .9985, 20 at .995, 50 at .5.
        // FAR 1e-2: 10th-highest-but-one impostor .989 is the threshold, 10 impostors above → FAR .01, TAR .5.
        // FAR 1e-3: threshold .998, only .999 above → FAR .001, TAR .3. FAR 1e-4 needs 10 000 impostors.
        var scores = new List<double>(); var same = new List<bool>();
        for (int i = 0; i < 1000; i++) { scores.Add(i / 1000.0); same.Add(false); }
        for (int i = 0; i < 100; i++) { scores.Add(i < 30 ? 0.9985 : i < 50 ? 0.995 : 0.5); same.Add(true); }

        var at2 = TarAtFar.Compute(scores, same, 1e-2);
        Assert.True(at2.Resolved);
        Assert.Equal(0.5, at2.Tar!.Value, 12);
        Assert.Equal(0.01, at2.AchievedFar, 12);
        Assert.Equal(0.989, at2.Threshold, 12);

        var at3 = TarAtFar.Compute(scores, same, 1e-3);
        Assert.Equal(0.3, at3.Tar!.Value, 12);
        Assert.Equal(0.001, at3.AchievedFar, 12);

        var at4 = TarAtFar.Compute(scores, same, 1e-4);
        Assert.False(at4.Resolved);
        Assert.Null(at4.Tar);
        Assert.Contains("10000", at4.Note);
        Assert.Contains("1000", at4.Note);
    }

    [Fact]
    public void TiedImpostorsNeverExceedTheTargetFar()
    {
        // 100 impostors all at .5: accepting any of them would give FAR 1, so the threshold rejects all.
        var scores = Enumerable.Repeat(0.5, 100).Concat([0.7, 0.5]).ToArray();
        var same = Enumerable.Repeat(false, 100).Concat([true, true]).ToArray();
        var t = TarAtFar.Compute(scores, same, 1e-2);
        Assert.Equal(0.0, t.AchievedFar);
        Assert.Equal(0.5, t.Tar!.Value, 12);
    }

    [Fact]
    public void StratifiedFoldsAreBalancedAndSeeded()
    {
        var same = Enumerable.Range(0, 100).Select(i => i % 4 == 0).ToArray(); // 25 genuine, 75 impostor
        var f = VerificationFolds.Assign(same, 10, FoldScheme.Stratified, seed: 3);
        for (int k = 0; k < 10; k++)
        {
            int size = f.Count(x => x == k);
            Assert.InRange(size, 10, 10);
            Assert.InRange(Enumerable.Range(0, 100).Count(i => f[i] == k && same[i]), 2, 3);
        }
        Assert.Equal(f, VerificationFolds.Assign(same, 10, FoldScheme.Stratified, seed: 3));
        Assert.NotEqual(f, VerificationFolds.Assign(same, 10, FoldScheme.Stratified, seed: 4));
    }

    [Fact]
    public void ConsecutiveFoldsAreLfwBlocks()
    {
        var f = VerificationFolds.Assign(new bool[6000], 10, FoldScheme.Consecutive);
        Assert.Equal(0, f[599]);
        Assert.Equal(1, f[600]);
        Assert.Equal(9, f[5999]);
        // scikit-learn KFold(10): 597 pairs → 60 ×7 then 59 ×3, not alternating sizes.
        var g = VerificationFolds.Assign(new bool[597], 10, FoldScheme.Consecutive);
        Assert.Equal([60, 60, 60, 60, 60, 60, 60, 59, 59, 59], Enumerable.Range(0, 10).Select(k => g.Count(x => x == k)));
        Assert.Equal(6, g[419]);
        Assert.Equal(7, g[420]);
    }

    [Fact]
    public void InsightfaceProtocolKeepsTheFirstBestGridDistanceOnTies()
    {
        // Fold 1 (train for fold 0): genuine d = .205, impostor d = 1.0: every grid t in (.205, 1.0], i.e. .21 … 1.00,
        // is perfect; np.argmax keeps the first, t = .21. On fold 0, genuine d = .305 is then rejected (the exact
        // protocol's midpoint would accept it).
        double[] scores = [1 - 0.305 / 2, 1 - 1.2 / 2, 1 - 0.205 / 2, 1 - 1.0 / 2];
        bool[] same = [true, false, true, false];
        var m = VerificationMetrics.Compute(scores, same, new MetricsOptions { Folds = 2, FoldScheme = FoldScheme.Consecutive });
        Assert.Equal(VerificationProtocol.Insightface, m.Protocol);
        Assert.Equal(0.21, m.KFold.FoldThresholds[0], 12);
        Assert.Equal(0.5, m.KFold.FoldAccuracies[0]);
        Assert.Equal(0.31, m.KFold.FoldThresholds[1], 12); // fold 0 trains: first t above .3
        var exact = VerificationMetrics.Compute(scores, same, new MetricsOptions { Protocol = VerificationProtocol.Exact, Folds = 2, FoldScheme = FoldScheme.Consecutive });
        Assert.Equal(1.0, exact.KFold.Mean);
    }

    [Fact]
    public void SlinearInterpolationTakesTheLastEqualFarLikeScipy18()
    {
        // far over the grid 0, .001, .002, …: 0 0 .5 .5 1. Target .5 → last index with far ≤ .5 is 3 → t = .003;
        // target .25 → between index 1 (0) and 2 (.5) → .0015.
        double[] far = [0, 0, 0.5, 0.5, 1];
        Assert.Equal(0.003, InsightfaceProtocol.SlinearScipy18(far, 0.5), 12);
        Assert.Equal(0.0015, InsightfaceProtocol.SlinearScipy18(far, 0.25), 12);
        Assert.Equal(0.0035, InsightfaceProtocol.SlinearScipy18(far, 0.75), 12);
    }

    [Theory]
    // The paper's RFW rows (Caucasian, African, Asian, Indian → Avg, Std). Population std reproduces
    // them (to the paper's rounding); the sample std would give 1.22, 1.15, 0.99, 1.08.
    [InlineData(96.00, 94.00, 93.08, 94.48, 94.39, 1.06)]
    [InlineData(96.35, 94.37, 93.62, 94.88, 94.81, 1.00)]
    [InlineData(96.38, 94.67, 94.03, 95.03, 95.03, 0.86)]
    [InlineData(96.52, 95.00, 93.90, 94.93, 95.09, 0.94)]
    public void GroupAvgAndStdReproduceThePaper(double cau, double afr, double asi, double ind, double avg, double std)
    {
        var s = GroupSummary.Compute([new("Caucasian", cau / 100), new("African", afr / 100), new("Asian", asi / 100), new("Indian", ind / 100)]);
        Assert.Equal(avg, 100 * s.Avg, 0.006);
        Assert.Equal(std, 100 * s.Std, 0.011);
    }

    [Fact]
    public void SkewedErrorRatioIsWorstOverBestGroupError()
    {
        var s = GroupSummary.Compute([new("Caucasian", 0.96), new("African", 0.94), new("Asian", 0.9308), new("Indian", 0.9448)]);
        Assert.Equal(6.92 / 4.0, s.SkewedErrorRatio!.Value, 9);
        Assert.Equal("Asian", s.WorstGroup);
        Assert.Equal("Caucasian", s.BestGroup);
    }

    [Fact]
    public void ReportFromScoresHasGroupsExclusionsAndWriters()
    {
        var rng = new Random(5);
        var pairs = new List<VerificationPair>(); var scores = new List<double>();
        foreach (var g in new[] { "A", "B" })
            for (int i = 0; i < 200; i++)
            {
                bool same = i % 2 == 0;
                pairs.Add(new VerificationPair($"{g}{i}a", $"{g}{i}b", same, g));
                double sep = g == "A" ? 1.5 : 0.8;
                scores.Add(i == 7 ? double.NaN : (same ? sep : 0) + rng.NextDouble());
            }
        var r = VerificationEvaluator.FromScores(pairs, scores, new MetricsOptions { Protocol = VerificationProtocol.Exact, FoldScheme = FoldScheme.Stratified });
        Assert.Equal(2, r.Groups.Count);
        Assert.Equal(2, r.Excluded.Count);
        Assert.Equal(398, r.Overall.Pairs);
        Assert.True(r.Groups[0].Metrics.KFold.Mean > r.Groups[1].Metrics.KFold.Mean);
        Assert.NotNull(r.GroupSummary);
        var table = ReportTableWriter.Format(r);
        Assert.Contains("Avg", table);
        Assert.Contains("n/a", table); // 199 impostors cannot resolve FAR 1e-3
        var dir = Directory.CreateTempSubdirectory("fb-eval-").FullName;
        try
        {
            ReportJsonWriter.Save(r, Path.Combine(dir, "results.json"));
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
            Assert.Equal(2, json["groups"]!.AsArray().Count);
            Assert.Equal("population", (string?)json["group_summary"]!["std_kind"]);
            RocPlotWriter.Save(r, Path.Combine(dir, "roc.png"));
            Assert.True(new FileInfo(Path.Combine(dir, "roc.png")).Length > 5000);
        }
        finally { Directory.Delete(dir, true); }
    }
}
