using FaceBoost.Runtime;
using ScottPlot;

namespace FaceBoost.Evaluation;

/// <summary>Saves the ROC curves of a report as a PNG: one curve per group (or the overall curve when
/// there are no groups), TAR against FAR, FAR on a log axis by default (where face benchmarks compare).</summary>
public static class RocPlotWriter
{
    public static void Save(VerificationReport report, string path, bool logFar = true, int width = 800, int height = 600)
    {
        var plot = new Plot();
        var curves = report.Groups.Count > 0
            ? report.Groups.Select(g => (Label: $"{g.Name} (AUC {g.Metrics.Auc:0.0000})", g.Metrics.Roc))
            : [(Label: $"all (AUC {report.Overall.Auc:0.0000})", report.Overall.Roc)];
        double minFar = 1;
        foreach (var (label, roc) in curves)
        {
            var pts = roc.Thinned(2000).Where(p => !logFar || p.Far > 0).ToArray();
            if (pts.Length == 0) continue;
            minFar = Math.Min(minFar, pts.Min(p => p.Far));
            var xs = pts.Select(p => logFar ? Math.Log10(p.Far) : p.Far).ToArray();
            var ys = pts.Select(p => p.Tar).ToArray();
            var sc = plot.Add.Scatter(xs, ys);
            sc.LegendText = label;
            sc.MarkerSize = 0;
            sc.LineWidth = 2;
        }
        plot.Title($"ROC — {Path.GetFileName(report.Model)}");
        plot.XLabel(logFar ? "False accept rate (log scale)" : "False accept rate");
        plot.YLabel("True accept rate");
        if (logFar)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => $"1e{v:0}",
            };
            plot.Axes.Bottom.TickGenerator = ticks;
            double lo = Math.Floor(Math.Log10(Math.Max(minFar, 1e-6)));
            plot.Axes.SetLimits(lo, 0, 0, 1.02);
        }
        else plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        AtomicFile.WriteVia(path, tmp => plot.SavePng(tmp, width, height));
    }
}
