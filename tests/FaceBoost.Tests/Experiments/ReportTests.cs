using FaceBoost.Experiments;
using FaceBoost.Imaging;

namespace FaceBoost.Tests.Experiments;

public sealed class ReportTests
{
    private static ArmResult Result(string arm, double frac, int seed, double acc, double a, double b) =>
        new(arm, frac, seed, "heldout", new VerificationFigures(acc, 0.01, 0.5, 0.3, 0.9, 0.1, 600),
            new Dictionary<string, VerificationFigures>
            {
                ["A"] = new(a, 0, 0, 0, 0, 0, 300),
                ["B"] = new(b, 0, 0, 0, 0, 0, 300),
            });

    [Fact]
    public void TableAggregatesSeedsGroupsAndGain()
    {
        var t = new ResultTable([
            Result("scratch", 0.1, 0, 0.70, 0.72, 0.68), Result("scratch", 0.1, 1, 0.72, 0.74, 0.70),
            Result("encoder", 0.1, 0, 0.80, 0.82, 0.78), Result("encoder", 0.1, 1, 0.84, 0.86, 0.82),
        ]);
        var enc = t.Rows.Single(r => r.Arm == "encoder");
        Assert.Equal(0.82, enc.AccMean, 10);
        Assert.Equal(Math.Sqrt(0.0008), enc.AccStd, 10);           // sample std of 0.80, 0.84
        Assert.Equal(0.11, enc.GainOverScratch!.Value, 10);
        Assert.Equal(0.82, enc.GroupAvg, 10);
        Assert.Equal(0.02, enc.GroupStd, 10);                      // population std of 0.84, 0.80
        Assert.Null(t.Rows.Single(r => r.Arm == "scratch").GainOverScratch);
    }

    [Fact]
    public void PairedGainTestsAndTheShownBar()
    {
        // Known values: t = 2 with 2 df → two-sided p = 1 − 2/√6·… = 0.18350; t = 3.182 with 3 df → p ≈ 0.05.
        Assert.Equal(0.18350, StudentT.TwoSidedP(2, 2), 4);
        Assert.Equal(0.0500, StudentT.TwoSidedP(3.182446, 3), 4);
        Assert.Equal(1.0, StudentT.TwoSidedP(0, 5), 10);
        Assert.Equal(0.25, PairedGain.SignTest([0.1, 0.2, 0.3]), 10);
        Assert.Equal(0.03125, PairedGain.SignTest([1, 2, 3, 4, 5, 6]), 10);
        Assert.Equal(1.0, PairedGain.SignTest([0, 0]), 10);

        // Same seeds, arm above scratch by 2.0/3.0/2.5 points: mean 2.5, std 0.5 → shown (2.5 > 1.5).
        var t = new ResultTable([
            Result("scratch", 0.1, 0, 0.70, 0.7, 0.7), Result("scratch", 0.1, 1, 0.60, 0.6, 0.6), Result("scratch", 0.1, 2, 0.65, 0.65, 0.65),
            Result("encoder", 0.1, 0, 0.72, 0.7, 0.7), Result("encoder", 0.1, 1, 0.63, 0.6, 0.6), Result("encoder", 0.1, 2, 0.675, 0.65, 0.65),
            Result("noisy", 0.1, 0, 0.75, 0.7, 0.7), Result("noisy", 0.1, 1, 0.58, 0.6, 0.6), Result("noisy", 0.1, 2, 0.66, 0.65, 0.65),
        ]);
        var enc = t.Rows.Single(r => r.Arm == "encoder").Paired!;
        Assert.Equal([0, 1, 2], enc.Seeds);
        Assert.Equal(0.025, enc.Mean, 10);
        Assert.Equal(0.005, enc.Std, 10);
        Assert.True(enc.Shown);
        Assert.Equal(0.25, enc.SignP, 10);
        Assert.InRange(enc.TP!.Value, 0.01, 0.03); // t = 8.66, 2 df → 0.0131
        var noisy = t.Rows.Single(r => r.Arm == "noisy").Paired!;
        Assert.False(noisy.Shown); // mean +0.33 points, paired std 3.5 points
        Assert.Contains(ReportWriter.PairedLines(t, "heldout"), l => l.StartsWith("encoder @ 10 %: per-seed gain seed 0 +2.00, seed 1 +3.00, seed 2 +2.50", StringComparison.Ordinal)
                                                                    && l.Contains(": shown; over groups (Avg): per-seed gain seed 0 +0.00", StringComparison.Ordinal));
        // Two seeds are never enough, however clean.
        var two = new ResultTable([Result("scratch", 0.1, 0, 0.7, 0.7, 0.7), Result("scratch", 0.1, 1, 0.6, 0.6, 0.6),
                                   Result("encoder", 0.1, 0, 0.8, 0.7, 0.7), Result("encoder", 0.1, 1, 0.7, 0.6, 0.6)]);
        Assert.False(two.Rows.Single(r => r.Arm == "encoder").Paired!.Shown);
    }

    [Fact]
    public void GroupAveragedGainIsPairedByItsOwn()
    {
        // Pooled gains +5 / −2 / +1 (noisy); within both groups the arm gains 2.5 / 2.0 / 2.25 points on every seed.
        var t = new ResultTable([
            Result("scratch", 0.1, 0, 0.70, 0.70, 0.70), Result("scratch", 0.1, 1, 0.60, 0.60, 0.60), Result("scratch", 0.1, 2, 0.65, 0.65, 0.65),
            Result("encoder", 0.1, 0, 0.75, 0.72, 0.73), Result("encoder", 0.1, 1, 0.58, 0.62, 0.62), Result("encoder", 0.1, 2, 0.66, 0.67, 0.675),
        ]);
        var enc = t.Rows.Single(r => r.Arm == "encoder");
        Assert.False(enc.Paired!.Shown);
        var avg = enc.PairedGroupAvg!;
        Assert.Equal([0.025, 0.02, 0.0225], avg.Gains.Select(g => Math.Round(g, 10)));
        Assert.Equal(0.0225, avg.Mean, 10);
        Assert.Equal(0.0025, avg.Std, 10);
        Assert.True(avg.Shown);
        Assert.Null(t.Rows.Single(r => r.Arm == "scratch").PairedGroupAvg);
        Assert.Contains("| +2.25 ± 0.25 (shown) |", ReportWriter.MarkdownTable(t, "heldout"));
        Assert.Contains(ReportWriter.PairedLines(t, "heldout"), l => l.Contains("not shown (within 3 × paired std); over groups (Avg): per-seed gain seed 0 +2.50, seed 1 +2.00, seed 2 +2.25; paired +2.25 ± 0.25", StringComparison.Ordinal) && l.EndsWith(": shown", StringComparison.Ordinal));

        // Another evaluation set with other groups in the same table leaves this set's group average as it is.
        var other = new ArmResult("scratch", 0.1, 0, "val", new VerificationFigures(0.6, 0, null, null, 0.5, null, 100),
            new Dictionary<string, VerificationFigures> { ["X"] = new(0.6, 0, 0, 0, 0, 0, 50), ["Y"] = new(0.6, 0, 0, 0, 0, 0, 50) });
        var mixed = new ResultTable([.. Enumerable.Range(0, 3).SelectMany(s => new[] { Result("scratch", 0.1, s, 0.65, 0.65, 0.65), Result("encoder", 0.1, s, 0.66, 0.67, 0.68) }), other]);
        Assert.Equal(0.025, mixed.Rows.Single(r => r.Arm == "encoder").PairedGroupAvg!.Mean, 10);

        // A set without groups has no group average to pair.
        static ArmResult Plain(string arm, int seed, double acc) => new(arm, 0.1, seed, "heldout", new VerificationFigures(acc, 0, null, null, 0.5, null, 100), new Dictionary<string, VerificationFigures>());
        var plain = new ResultTable([Plain("scratch", 0, 0.6), Plain("encoder", 0, 0.7)]);
        Assert.Null(plain.Rows.Single(r => r.Arm == "encoder").PairedGroupAvg);
        Assert.DoesNotContain("Avg paired", ReportWriter.MarkdownTable(plain, "heldout"));
    }

    [Fact]
    public void PopulationStdReproducesThePapersRfwStd()
    {
        Assert.Equal(1.06, ResultTable.PopulationStd([96.00, 94.00, 93.08, 94.48]), 2);
    }

    [Fact]
    public void WritesMarkdownHtmlAndAPlotWithText()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fb-report-{Guid.NewGuid():N}");
        try
        {
            var t = new ResultTable([
                Result("scratch", 0.1, 0, 0.70, 0.72, 0.68), Result("scratch", 1.0, 0, 0.90, 0.9, 0.9),
                Result("encoder", 0.1, 0, 0.80, 0.82, 0.78), Result("encoder", 1.0, 0, 0.91, 0.9, 0.92),
            ]);
            var png = ReportPlots.AccuracyVsLabels(t, "heldout", Path.Combine(dir, "acc.png"));
            var (md, html) = ReportWriter.Write(dir, "Test report", t, [new ReportWriter.Figure("Accuracy", png)], ["a note"]);
            var mdText = File.ReadAllText(md);
            Assert.Contains("| encoder | 10 % | 1 | 80.00 ± 0.00 | +10.00 |", mdText);
            Assert.Contains("data:image/png;base64,", File.ReadAllText(html));
            // Text must actually render (fontconfig-enabled Skia): dark pixels outside the plot lines
            // appear in the left margin where the y-axis label is drawn.
            var img = ImageDecoder.Decode(png);
            int dark = 0;
            for (int y = 0; y < img.Height; y++)
                for (int x = 0; x < 30; x++)
                    if (img[0, y, x] < 0.5f) dark++;
            Assert.True(dark > 20, $"no y-axis label text rendered (dark pixels in margin: {dark})");
        }
        finally { if (Directory.Exists(dir) && Environment.GetEnvironmentVariable("FACEBOOST_KEEP_TEST_OUTPUT") is null) Directory.Delete(dir, true); }
    }
}
