using FaceBoost.Runtime;
using System.Globalization;
using System.Net;
using System.Text;

namespace FaceBoost.Experiments;

/// <summary>Writes the experiment report: Markdown for papers/PRs and a self-contained HTML page
/// (images embedded), from aggregated results plus whatever figure PNGs the stages produced.</summary>
public sealed class ReportWriter
{
    public sealed record Figure(string Title, string PngPath, string? Caption = null);

    /// <summary>An extra table (e.g. gain vs budget) rendered after the verification tables.</summary>
    public sealed record Section(string Title, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string? Caption = null);

    public static (string Markdown, string Html) Write(
        string outDir, string title, ResultTable table, IReadOnlyList<Figure> figures, IReadOnlyList<string> notes,
        IReadOnlyList<Section>? sections = null)
    {
        sections ??= [];
        Directory.CreateDirectory(outDir);
        var md = new StringBuilder();
        md.AppendLine($"# {title}").AppendLine();
        foreach (var n in notes) md.AppendLine($"- {n}");
        if (notes.Count > 0) md.AppendLine();
        foreach (var evalSet in table.Rows.Select(r => r.EvalSet).Distinct())
        {
            md.AppendLine($"## Verification on `{evalSet}`").AppendLine();
            md.AppendLine(MarkdownTable(table, evalSet)).AppendLine();
            foreach (var line in PairedLines(table, evalSet)) md.AppendLine($"- {line}");
            md.AppendLine();
        }
        md.AppendLine("Accuracy: 10-fold verification accuracy (%; generated pairs in stratified folds, pair lists in their own consecutive folds), mean ± std over seeds. Group columns: mean over seeds; " +
                      "Avg/Std: over groups (population std, as the paper). Gain: accuracy points over `scratch` at the same label fraction; " +
                      $"Paired: mean ± std of the per-seed differences (the arms of a seed share its labeled subset); p: two-sided sign test / paired t-test; " +
                      "Avg paired: the same on each seed's group average (every group with its own threshold, as RFW; the pooled Accuracy uses one threshold for all pairs, so it also rewards scores calibrated alike across groups); " +
                      $"*shown* = ≥ {PairedGain.ShownMinSeeds} seeds and paired mean > {PairedGain.ShownFactor:0} × paired std.")
          .AppendLine();
        foreach (var sec in sections)
        {
            md.AppendLine($"## {sec.Title}").AppendLine();
            md.AppendLine("| " + string.Join(" | ", sec.Header) + " |");
            md.AppendLine("|" + string.Concat(sec.Header.Select((_, i) => i == 0 ? "---|" : "---:|")));
            foreach (var row in sec.Rows) md.AppendLine("| " + string.Join(" | ", row) + " |");
            md.AppendLine();
            if (sec.Caption is not null) md.AppendLine(sec.Caption).AppendLine();
        }
        foreach (var f in figures.Where(f => File.Exists(f.PngPath)))
        {
            md.AppendLine($"### {f.Title}").AppendLine();
            md.AppendLine($"![{f.Title}]({Path.GetRelativePath(outDir, f.PngPath).Replace('\\', '/')})");
            if (f.Caption is not null) md.AppendLine().AppendLine(f.Caption);
            md.AppendLine();
        }
        var mdPath = Path.Combine(outDir, "report.md");
        AtomicFile.WriteAllText(mdPath, md.ToString());

        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>{Enc(title)}</title><style>");
        html.AppendLine("body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}" +
                        "table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
                        "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.pos{color:#0a7a2f;font-weight:600}.neg{color:#b00020}" +
                        "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}figcaption{color:#555;font-size:13px}");
        html.AppendLine("</style></head><body>");
        html.AppendLine($"<h1>{Enc(title)}</h1>");
        if (notes.Count > 0) html.AppendLine("<ul>" + string.Concat(notes.Select(n => $"<li>{Enc(n)}</li>")) + "</ul>");
        foreach (var evalSet in table.Rows.Select(r => r.EvalSet).Distinct())
        {
            html.AppendLine($"<h2>Verification on <code>{Enc(evalSet)}</code></h2>");
            html.AppendLine(HtmlTable(table, evalSet));
            var lines = PairedLines(table, evalSet);
            if (lines.Count > 0) html.AppendLine("<ul>" + string.Concat(lines.Select(l => $"<li>{Enc(l)}</li>")) + "</ul>");
        }
        html.AppendLine("<p>Accuracy: 10-fold verification accuracy (%; generated pairs in stratified folds, pair lists in their own consecutive folds), mean ± std over seeds. Group columns: mean over seeds; " +
                        "Avg/Std over groups (population std). Gain: points over <code>scratch</code> at the same label fraction; " +
                        $"Paired: mean ± std of the per-seed differences; Avg paired: the same on the group average (a threshold per group, as RFW); p: sign test / paired t-test; shown = ≥ {PairedGain.ShownMinSeeds} seeds and paired mean &gt; {PairedGain.ShownFactor:0} × paired std.</p>");
        foreach (var sec in sections)
        {
            html.AppendLine($"<h2>{Enc(sec.Title.Replace("`", ""))}</h2><table><thead><tr>" + string.Concat(sec.Header.Select(h => $"<th>{Enc(h)}</th>")) + "</tr></thead><tbody>");
            foreach (var row in sec.Rows) html.AppendLine("<tr>" + string.Concat(row.Select(c => $"<td>{Enc(c)}</td>")) + "</tr>");
            html.AppendLine("</tbody></table>" + (sec.Caption is null ? "" : $"<p>{Enc(sec.Caption)}</p>"));
        }
        foreach (var f in figures.Where(f => File.Exists(f.PngPath)))
        {
            var b64 = Convert.ToBase64String(File.ReadAllBytes(f.PngPath));
            html.AppendLine($"<figure><h3>{Enc(f.Title)}</h3><img alt=\"{Enc(f.Title)}\" src=\"data:image/png;base64,{b64}\">" +
                            (f.Caption is null ? "" : $"<figcaption>{Enc(f.Caption)}</figcaption>") + "</figure>");
        }
        html.AppendLine("</body></html>");
        var htmlPath = Path.Combine(outDir, "report.html");
        AtomicFile.WriteAllText(htmlPath, html.ToString());
        return (mdPath, htmlPath);
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
    private static string P(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
    internal static string Frac(double f) => (100 * f).ToString("0.##", CultureInfo.InvariantCulture) + " %";
    internal static string Gain(double? g) => g is null ? "" : (g >= 0 ? "+" : "") + (100 * g.Value).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Pv(double p) => p.ToString(p < 0.001 ? "0.0e0" : "0.000", CultureInfo.InvariantCulture);

    /// <summary>The label budget as a fraction and as what it is in people and images (10 % of a small set is few).</summary>
    private static string Labels(ResultTable.Row r) =>
        Frac(r.LabelFraction) + (r.LabeledIdentities > 0
            ? $" ({r.LabeledIdentities.ToString("0.#", CultureInfo.InvariantCulture)} ids, {r.LabeledImages.ToString("0.#", CultureInfo.InvariantCulture)} img)"
            : "");

    /// <summary>One line per pretrained arm and fraction with the per-seed gains behind the paired figures (pooled
    /// accuracy, then the group average when the set has groups).</summary>
    public static IReadOnlyList<string> PairedLines(ResultTable t, string evalSet) =>
        t.Rows.Where(r => r.EvalSet == evalSet && r.Paired is not null).Select(r =>
        {
            var line = $"{r.Arm} @ {Frac(r.LabelFraction)}: per-seed gain " + Paired(r.Paired!);
            return r.PairedGroupAvg is { } avg ? line + "; over groups (Avg): per-seed gain " + Paired(avg) : line;
        }).ToList();

    private static string Paired(PairedGain pg)
    {
        var verdict = pg.Shown ? "shown" : pg.Count < PairedGain.ShownMinSeeds ? $"not shown (only {pg.Count} seed{(pg.Count == 1 ? "" : "s")})" : "not shown (within 3 × paired std)";
        return string.Join(", ", pg.Seeds.Zip(pg.Gains, (s, g) => $"seed {s} {Gain(g)}")) +
               $"; paired {Gain(pg.Mean)} ± {P(pg.Std)}, sign p {Pv(pg.SignP)}, t p {(pg.TP is { } tp ? Pv(tp) : "–")}: {verdict}";
    }

    private static List<string> Header(ResultTable t)
    {
        var h = new List<string> { "Arm", "Labels", "Seeds", "Accuracy", "Gain", "Paired", "p sign / t", "Shown" };
        h.AddRange(t.Groups);
        if (t.Groups.Count > 1) h.AddRange(["Avg", "Std", "Avg paired"]);
        h.AddRange(["TAR@FAR=1e-2", "TAR@FAR=1e-3", "AUC"]);
        return h;
    }

    private static List<string> Cells(ResultTable t, ResultTable.Row r)
    {
        var c = new List<string> { r.Arm, Labels(r), r.Seeds.ToString(CultureInfo.InvariantCulture),
            $"{P(r.AccMean)} ± {P(r.AccStd)}", Gain(r.GainOverScratch) };
        if (r.Paired is { } pg)
            c.AddRange([$"{Gain(pg.Mean)} ± {P(pg.Std)}", $"{Pv(pg.SignP)} / {(pg.TP is { } tp ? Pv(tp) : "–")}", pg.Shown ? "yes" : "no"]);
        else c.AddRange(["", "", ""]);
        c.AddRange(t.Groups.Select(g => r.GroupAccMean.TryGetValue(g, out var v) ? P(v) : "–"));
        if (t.Groups.Count > 1)
            c.AddRange([P(r.GroupAvg), P(r.GroupStd),
                r.PairedGroupAvg is { } avg ? $"{Gain(avg.Mean)} ± {P(avg.Std)}{(avg.Shown ? " (shown)" : "")}" : ""]);
        c.AddRange([P(r.Tar1e2Mean), P(r.Tar1e3Mean), r.AucMean.ToString("0.0000", CultureInfo.InvariantCulture)]);
        return c;
    }

    public static string MarkdownTable(ResultTable t, string evalSet)
    {
        var sb = new StringBuilder();
        var h = Header(t);
        sb.AppendLine("| " + string.Join(" | ", h) + " |");
        sb.AppendLine("|" + string.Concat(h.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var r in t.Rows.Where(r => r.EvalSet == evalSet)) sb.AppendLine("| " + string.Join(" | ", Cells(t, r)) + " |");
        return sb.ToString().TrimEnd();
    }

    private static string HtmlTable(ResultTable t, string evalSet)
    {
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var h in Header(t)) sb.Append($"<th>{Enc(h)}</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in t.Rows.Where(r => r.EvalSet == evalSet))
        {
            sb.Append("<tr>");
            var cells = Cells(t, r);
            for (int i = 0; i < cells.Count; i++)
            {
                var cls = i == 4 && r.GainOverScratch is { } g ? (g > 0 ? " class=\"pos\"" : g < 0 ? " class=\"neg\"" : "") : "";
                sb.Append($"<td{cls}>{Enc(cells[i])}</td>");
            }
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }
}
