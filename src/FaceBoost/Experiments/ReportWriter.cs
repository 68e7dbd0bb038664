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

    public static (string Markdown, string Html) Write(
        string outDir, string title, ResultTable table, IReadOnlyList<Figure> figures, IReadOnlyList<string> notes)
    {
        Directory.CreateDirectory(outDir);
        var md = new StringBuilder();
        md.AppendLine($"# {title}").AppendLine();
        foreach (var n in notes) md.AppendLine($"- {n}");
        if (notes.Count > 0) md.AppendLine();
        foreach (var evalSet in table.Rows.Select(r => r.EvalSet).Distinct())
        {
            md.AppendLine($"## Verification on `{evalSet}`").AppendLine();
            md.AppendLine(MarkdownTable(table, evalSet)).AppendLine();
        }
        md.AppendLine("Accuracy: 10-fold verification accuracy (%; generated pairs in stratified folds, pair lists in their own consecutive folds), mean ± std over seeds. Group columns: mean over seeds; " +
                      "Avg/Std: over groups (population std, as the paper). Gain: accuracy points over `scratch` at the same label fraction.")
          .AppendLine();
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
        }
        html.AppendLine("<p>Accuracy: 10-fold verification accuracy (%; generated pairs in stratified folds, pair lists in their own consecutive folds), mean ± std over seeds. Group columns: mean over seeds; " +
                        "Avg/Std over groups (population std). Gain: points over <code>scratch</code> at the same label fraction.</p>");
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
    private static string Frac(double f) => (100 * f).ToString("0.##", CultureInfo.InvariantCulture) + " %";
    private static string Gain(double? g) => g is null ? "" : (g >= 0 ? "+" : "") + (100 * g.Value).ToString("0.00", CultureInfo.InvariantCulture);

    private static List<string> Header(ResultTable t)
    {
        var h = new List<string> { "Arm", "Labels", "Seeds", "Accuracy", "Gain" };
        h.AddRange(t.Groups);
        if (t.Groups.Count > 1) h.AddRange(["Avg", "Std"]);
        h.AddRange(["TAR@FAR=1e-2", "TAR@FAR=1e-3", "AUC"]);
        return h;
    }

    private static List<string> Cells(ResultTable t, ResultTable.Row r)
    {
        var c = new List<string> { r.Arm, Frac(r.LabelFraction), r.Seeds.ToString(CultureInfo.InvariantCulture),
            $"{P(r.AccMean)} ± {P(r.AccStd)}", Gain(r.GainOverScratch) };
        c.AddRange(t.Groups.Select(g => r.GroupAccMean.TryGetValue(g, out var v) ? P(v) : "–"));
        if (t.Groups.Count > 1) c.AddRange([P(r.GroupAvg), P(r.GroupStd)]);
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
