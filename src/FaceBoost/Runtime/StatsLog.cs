using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaceBoost.Runtime;

/// <summary>Upkeep of a run's stats.jsonl shared by the trainers.</summary>
public static class StatsLog
{
    /// <summary>Keeps only the lines whose numeric <paramref name="key"/> is at most <paramref name="limit"/> (a line
    /// without the key counts as 0; an unreadable line is dropped). On resume, lines written after the checkpoint
    /// being resumed from (before a kill) would otherwise appear twice.</summary>
    public static void DropAfter(string path, string key, double limit)
    {
        if (!File.Exists(path)) return;
        var keep = File.ReadAllLines(path).Where(line =>
        {
            try { return (JsonNode.Parse(line)?[key]?.GetValue<double>() ?? 0) <= limit; }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return false; }
        }).ToList();
        File.WriteAllLines(path, keep);
    }
}
