using System.Text;

namespace FaceBoost.Training;

/// <summary>What happened to every key when a PyTorch state dict was applied to a module: nothing is
/// dropped silently — each key is loaded, missing (in the module, not the file), unexpected (in the
/// file, not the module), shape-mismatched, or ignored for a stated reason (BN num_batches_tracked).</summary>
public sealed record StateDictReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<(string Key, long[] Expected, long[] Found)> ShapeMismatches,
    IReadOnlyList<string> Ignored)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    /// <param name="separator">Between the summary and each list: an indented new line for reports, "; " where the
    /// message must stay on one line (errors the CLI prints as `faceboost verb: message`).</param>
    public string Describe(int maxPerList = 20, string separator = "\n  ")
    {
        var sb = new StringBuilder();
        sb.Append($"{Loaded.Count} loaded, {Missing.Count} missing, {Unexpected.Count} unexpected, {ShapeMismatches.Count} shape mismatches, {Ignored.Count} ignored");
        void List(string title, IEnumerable<string> items)
        {
            var l = items.ToList();
            if (l.Count == 0) return;
            sb.Append($"{separator}{title}: {string.Join(", ", l.Take(maxPerList))}{(l.Count > maxPerList ? $", … (+{l.Count - maxPerList})" : "")}");
        }
        List("missing", Missing);
        List("unexpected", Unexpected);
        List("shape mismatch", ShapeMismatches.Select(m => $"{m.Key} module [{string.Join("×", m.Expected)}] vs file [{string.Join("×", m.Found)}]"));
        List("ignored", Ignored);
        return sb.ToString();
    }
}

/// <summary>A state dict that does not fit the module exactly where exactness was required.</summary>
public sealed class StateDictMismatchException(string source, StateDictReport report)
    : Exception($"{source}: state dict does not match the model — {report.Describe()}")
{
    public StateDictReport Report { get; } = report;
}
