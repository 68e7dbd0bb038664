using System.Globalization;

namespace FaceBoost.Experiments;

/// <summary>Accuracy against label fraction, one line per arm with seed error bars (log-x).</summary>
public static class ReportPlots
{
    public static string AccuracyVsLabels(ResultTable table, string evalSet, string pngPath)
    {
        var plt = new ScottPlot.Plot();
        var rows = table.Rows.Where(r => r.EvalSet == evalSet).ToList();
        var fractions = rows.Select(r => r.LabelFraction).Distinct().Order().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var arm in rows.Select(r => r.Arm).Distinct())
        {
            var armRows = rows.Where(r => r.Arm == arm).OrderBy(r => r.LabelFraction).ToList();
            double[] xs = armRows.Select(r => Math.Log10(r.LabelFraction)).ToArray();
            double[] ys = armRows.Select(r => 100 * r.AccMean).ToArray();
            double[] es = armRows.Select(r => 100 * r.AccStd).ToArray();
            var color = palette.GetColor(i++);
            var sc = plt.Add.Scatter(xs, ys);
            sc.LegendText = arm;
            sc.Color = color;
            sc.LineWidth = 2;
            sc.MarkerSize = 8;
            var eb = plt.Add.ErrorBar(xs, ys, es);
            eb.Color = color;
        }
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            fractions.Select(Math.Log10).ToArray(),
            fractions.Select(f => (100 * f).ToString("0.##", CultureInfo.InvariantCulture) + " %").ToArray());
        plt.XLabel("labeled identities used");
        plt.YLabel("verification accuracy (%)");
        plt.Title($"Accuracy vs labels — {evalSet}");
        plt.ShowLegend(ScottPlot.Alignment.LowerRight);
        if (fractions.Length == 1) plt.Axes.SetLimitsX(Math.Log10(fractions[0]) - 0.5, Math.Log10(fractions[0]) + 0.5);
        return Save(plt, pngPath);
    }

    /// <summary>ROC curves (TAR against log FAR), one per labelled "far,tar" CSV.</summary>
    public static string Roc(IReadOnlyList<(string Label, string Csv)> curves, string title, string pngPath)
    {
        var plt = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var (label, csv) in curves)
        {
            if (!File.Exists(csv)) continue;
            var pts = File.ReadLines(csv).Skip(1).Select(l => l.Split(','))
                .Select(f => (Far: double.Parse(f[0], CultureInfo.InvariantCulture), Tar: double.Parse(f[1], CultureInfo.InvariantCulture)))
                .Where(p => p.Far > 0).ToList();
            if (pts.Count == 0) continue;
            var sc = plt.Add.Scatter(pts.Select(p => Math.Log10(p.Far)).ToArray(), pts.Select(p => 100 * p.Tar).ToArray());
            sc.LegendText = label;
            sc.Color = palette.GetColor(i++);
            sc.LineWidth = 2;
            sc.MarkerSize = 0;
        }
        var ticks = new[] { 1e-4, 1e-3, 1e-2, 1e-1, 1 };
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ticks.Select(Math.Log10).ToArray(), ticks.Select(t => t.ToString("0.####", CultureInfo.InvariantCulture)).ToArray());
        plt.XLabel("false accept rate");
        plt.YLabel("true accept rate (%)");
        plt.Title(title);
        plt.ShowLegend(ScottPlot.Alignment.LowerRight);
        return Save(plt, pngPath);
    }

    /// <summary>Renders to PNG and publishes it atomically (a report being re-written never shows half a figure).</summary>
    public static string Save(ScottPlot.Plot plt, string pngPath, int width = 760, int height = 480)
    {
        FaceBoost.Runtime.AtomicFile.WriteAllBytes(pngPath, plt.GetImageBytes(width, height, ScottPlot.ImageFormat.Png));
        return pngPath;
    }
}
