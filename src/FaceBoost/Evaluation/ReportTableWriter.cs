using System.Globalization;
using System.Text;

namespace FaceBoost.Evaluation;

/// <summary>Formats a report as a plain-text (Markdown) table, readable on a console and in table.md.
/// Accuracies are percentages with the 10-fold std; TAR@FAR shows "n/a" when there are too few impostors
/// to resolve that FAR (see the notes below the table).</summary>
public static class ReportTableWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> Header(VerificationReport r) =>
    [
        "set", "pairs (gen/imp)", $"acc {r.Protocol.Folds}-fold %", "best-thr acc %",
        .. r.Protocol.FarTargets.Select(f => $"TAR@FAR={f.ToString("0e0", Inv)}"), "AUC", "EER %",
    ];

    public static IReadOnlyList<IReadOnlyList<string>> Rows(VerificationReport r)
    {
        var rows = r.Groups.Select(g => Row(g.Name, g.Metrics)).ToList();
        rows.Add(Row(r.Groups.Count > 0 ? "all pairs" : "all", r.Overall));
        return rows;
    }

    public static string Format(VerificationReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Model: {r.Model}");
        sb.AppendLine(string.Create(Inv, $"Pairs: {r.TotalPairs} ({r.Excluded.Count} excluded: {r.FailedImages.Count} images could not be embedded); protocol: {r.Protocol.Protocol.ToString().ToLowerInvariant()}, {r.Protocol.Folds}-fold {r.Protocol.FoldScheme.ToString().ToLowerInvariant()}, preprocess {r.Extraction.Preprocess}, flip-sum {(r.Extraction.FlipSum ? "on" : "off")}"));
        sb.AppendLine();
        var header = Header(r);
        var rows = Rows(r);
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(row => row[i].Length))).ToArray();
        void Line(IReadOnlyList<string> cells) =>
            sb.AppendLine("| " + string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        Line(header);
        sb.AppendLine("|" + string.Join("|", widths.Select((w, i) => new string('-', w + 1) + (i == 0 ? "-" : ":"))) + "|");
        foreach (var row in rows) Line(row);
        if (r.GroupSummary is { } s)
        {
            sb.AppendLine();
            sb.AppendLine(string.Create(Inv,
                $"Groups: Avg {100 * s.Avg:0.00}  Std {100 * s.Std:0.00} (population std over {r.Groups.Count} groups)  " +
                $"SER {(s.SkewedErrorRatio is { } ser ? ser.ToString("0.00", Inv) : "undefined (a group has no errors)")} (error of {s.WorstGroup} / error of {s.BestGroup})"));
        }
        var notes = r.Groups.Select(g => (Name: g.Name, Metrics: g.Metrics)).Append((Name: "all", Metrics: r.Overall))
            .SelectMany(x => x.Metrics.TarAtFar.Where(t => t.Note != null).Select(t => $"{x.Name}: {t.Note}")).Distinct().ToList();
        if (notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var n in notes) sb.AppendLine("note: " + n);
        }
        if (r.Warnings.Count > 0)
        {
            sb.AppendLine();
            foreach (var w in r.Warnings) sb.AppendLine("warning: " + w);
        }
        if (r.FailedImages.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine($"{r.FailedImages.Count} image(s) could not be embedded; {r.Excluded.Count} pair(s) excluded:");
            foreach (var (path, why) in r.FailedImages.Take(20)) sb.AppendLine($"  {path}: {why}");
            if (r.FailedImages.Count > 20) sb.AppendLine($"  ... and {r.FailedImages.Count - 20} more (see results.json)");
        }
        return sb.ToString();
    }

    private static IReadOnlyList<string> Row(string name, VerificationMetrics m) =>
    [
        name,
        $"{m.Pairs} ({m.Genuine}/{m.Impostor})",
        string.Create(Inv, $"{100 * m.KFold.Mean:0.00} ± {100 * m.KFold.Std:0.00}"),
        string.Create(Inv, $"{100 * m.BestAccuracy:0.00}"),
        .. m.TarAtFar.Select(t => t.Tar is { } v ? v.ToString("0.0000", Inv) + (t.TarStd is { } sd ? sd.ToString(" ± 0.0000", Inv) : "") : "n/a"),
        m.Auc.ToString("0.0000", Inv),
        double.IsFinite(m.Eer) ? (100 * m.Eer).ToString("0.00", Inv) : "n/a",
    ];
}
