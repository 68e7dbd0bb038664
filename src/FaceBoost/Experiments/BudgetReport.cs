using System.Globalization;

namespace FaceBoost.Experiments;

/// <summary>The sweep's view of the results: the paired gain over scratch of every pretrained arm against its
/// pretraining budget (GAN kimg, encoder steps, wall time), per label fraction, as a table and a plot.</summary>
public static class BudgetReport
{
    public static ReportWriter.Section Table(ResultTable table, IReadOnlyList<PretrainedArm> arms, string evalSet)
    {
        var fractions = table.Rows.Where(r => r.EvalSet == evalSet).Select(r => r.LabelFraction).Distinct().Order().ToList();
        var header = new List<string> { "Arm", "GAN kimg", "Encoder steps", "Pretraining (min)" };
        header.AddRange(fractions.Select(f => $"Gain @ {ReportWriter.Frac(f)}"));
        var rows = new List<IReadOnlyList<string>>();
        foreach (var a in arms.OrderBy(a => a.BaseArm, StringComparer.Ordinal).ThenBy(a => a.Kimg ?? -1).ThenBy(a => a.Steps))
        {
            var cells = new List<string> { a.BaseArm, a.Kimg is { } k ? k.ToString("0.###", CultureInfo.InvariantCulture) : "– (no GAN)",
                a.Steps.ToString(CultureInfo.InvariantCulture), (a.Seconds / 60).ToString("0.0", CultureInfo.InvariantCulture) };
            foreach (var f in fractions)
            {
                var pg = table.Rows.FirstOrDefault(r => r.Arm == a.Name && r.EvalSet == evalSet && r.LabelFraction == f)?.Paired;
                cells.Add(pg is null ? "–" : $"{ReportWriter.Gain(pg.Mean)} ± {Math.Abs(100 * pg.Std):0.00}{(pg.Shown ? " (shown)" : "")}");
            }
            rows.Add(cells);
        }
        return new ReportWriter.Section($"Gain over scratch vs pretraining budget — `{evalSet}`", header, rows,
            "Paired gain in accuracy points (mean ± std of the per-seed differences); pretraining time is the GAN run up to its snapshot " +
            "plus the encoder, on this machine, including whatever else it was running.");
    }

    /// <summary>Gain against GAN kimg (log axis): one line per encoder steps × label fraction through the seed means,
    /// single seeds as dots. Null when no arm has a GAN budget.</summary>
    public static string? Plot(ResultTable table, IReadOnlyList<PretrainedArm> arms, string evalSet, string pngPath)
    {
        var withGan = arms.Where(a => a.Kimg is not null).ToList();
        if (withGan.Count == 0) return null;
        var plt = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var line in withGan.GroupBy(a => (a.BaseArm, a.Steps)))
            foreach (var f in table.Rows.Where(r => r.EvalSet == evalSet).Select(r => r.LabelFraction).Distinct().Order())
            {
                var pts = line.OrderBy(a => a.Kimg)
                    .Select(a => (a.Kimg!.Value, table.Rows.FirstOrDefault(r => r.Arm == a.Name && r.EvalSet == evalSet && r.LabelFraction == f)?.Paired))
                    .Where(p => p.Paired is not null).ToList();
                if (pts.Count == 0) continue;
                var color = palette.GetColor(i++);
                var xs = pts.Select(p => Math.Log10(p.Value)).ToArray();
                var mean = plt.Add.Scatter(xs, pts.Select(p => 100 * p.Paired!.Mean).ToArray());
                mean.LegendText = $"{line.Key.BaseArm}, {line.Key.Steps} steps, {ReportWriter.Frac(f)} labels";
                mean.Color = color;
                mean.LineWidth = 2;
                mean.MarkerSize = 7;
                foreach (var (x, pg) in pts.Select(p => (Math.Log10(p.Value), p.Paired!)))
                {
                    var dots = plt.Add.ScatterPoints(Enumerable.Repeat(x, pg.Count).ToArray(), pg.Gains.Select(g => 100 * g).ToArray());
                    dots.Color = color.WithAlpha(0.5);
                    dots.MarkerSize = 4;
                }
            }
        var zero = plt.Add.HorizontalLine(0);
        zero.Color = ScottPlot.Colors.Gray;
        var ticks = withGan.Select(a => a.Kimg!.Value).Distinct().Order().ToArray();
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ticks.Select(Math.Log10).ToArray(), ticks.Select(t => t.ToString("0.###", CultureInfo.InvariantCulture)).ToArray());
        if (ticks.Length == 1) plt.Axes.SetLimitsX(Math.Log10(ticks[0]) - 0.5, Math.Log10(ticks[0]) + 0.5);
        plt.XLabel("GAN training (kimg)");
        plt.YLabel("gain over scratch (accuracy points)");
        plt.Title($"Gain vs pretraining budget — {evalSet}");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return ReportPlots.Save(plt, pngPath);
    }
}
