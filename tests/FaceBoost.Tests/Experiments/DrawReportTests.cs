using FaceBoost.Experiments;

namespace FaceBoost.Tests.Experiments;

public sealed class DrawReportTests
{
    /// <summary>A seeds × draws table with no interaction: the fit recovers the draws' and seeds' spreads exactly and
    /// a zero residual; one changed cell moves the interaction off zero and the mean by its share.</summary>
    [Fact]
    public void TwoWaySplitRecoversAnAdditiveTable()
    {
        double[] seedEffect = [0, 0.02], drawEffect = [0.01, 0.03, 0.05];
        var gains = new Dictionary<(int, int), double>();
        for (var s = 0; s < 2; s++)
            for (var d = 0; d < 3; d++)
                gains[(s, d)] = seedEffect[s] + drawEffect[d];
        var sp = DrawReport.Of(gains)!;
        Assert.Equal(0.04, sp.Mean, 12);
        Assert.Equal([0.02, 0.04, 0.06], sp.DrawMeans.Select(x => Math.Round(x, 12)));
        Assert.Equal(0.02, sp.DrawSd, 12);
        Assert.Equal(Math.Sqrt(2) * 0.01, sp.SeedSd, 12);
        Assert.Equal(0, sp.ResidualSd, 12);
        Assert.Equal(Math.Sqrt(0.02 * 0.02 / 3 + 0.0002 / 2), sp.StandardError, 12);
        Assert.False(sp.ShownOverDraws); // 0.04 < 3 × 0.02

        gains[(0, 0)] += 0.06;
        var moved = DrawReport.Of(gains)!;
        Assert.Equal(0.05, moved.Mean, 12);
        Assert.True(moved.ResidualSd > 0);

        gains.Remove((1, 2));
        Assert.Null(DrawReport.Of(gains)); // an incomplete table has no two-way split
    }
}
