using FaceBoost.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaceBoost.Evaluation;

/// <summary>Writes a report as results.json (atomically): all figures, fold details, thinned ROC points,
/// excluded pairs and failed images. Accuracies and rates are fractions in [0,1].</summary>
public static class ReportJsonWriter
{
    public static JsonObject ToJson(VerificationReport r) => new()
    {
        ["model"] = r.Model,
        ["total_pairs"] = r.TotalPairs,
        ["excluded_pairs"] = r.Excluded.Count,
        ["images_embedded"] = r.ImagesEmbedded,
        ["embed_seconds"] = Round(r.EmbedSeconds),
        ["total_seconds"] = Round(r.TotalSeconds),
        ["protocol"] = new JsonObject
        {
            ["folds"] = r.Protocol.Folds,
            ["fold_scheme"] = r.Protocol.FoldScheme.ToString().ToLowerInvariant(),
            ["seed"] = r.Protocol.Seed,
            ["score"] = "cosine similarity of L2-normalised embeddings; same when score >= threshold",
            ["fold_std"] = "population std of fold accuracies",
            ["preprocess"] = r.Extraction.Preprocess.ToString(),
            ["flip_sum"] = r.Extraction.FlipSum,
        },
        ["overall"] = Metrics(r.Overall),
        ["groups"] = new JsonArray([.. r.Groups.Select(g =>
        {
            var o = Metrics(g.Metrics);
            o["name"] = g.Name;
            o["excluded_pairs"] = g.ExcludedPairs;
            return (JsonNode)o;
        })]),
        ["group_summary"] = r.GroupSummary is { } s ? new JsonObject
        {
            ["avg"] = s.Avg, ["std"] = s.Std, ["std_kind"] = "population",
            ["skewed_error_ratio"] = s.SkewedErrorRatio, ["worst_group"] = s.WorstGroup, ["best_group"] = s.BestGroup,
        } : null,
        ["failed_images"] = new JsonArray([.. r.FailedImages.Select(kv => (JsonNode)new JsonObject { ["path"] = kv.Key, ["reason"] = kv.Value })]),
        ["excluded"] = new JsonArray([.. r.Excluded.Select(e => (JsonNode)new JsonObject
            { ["index"] = e.Index, ["a"] = e.PathA, ["b"] = e.PathB, ["reason"] = e.Reason })]),
    };

    public static void Save(VerificationReport r, string path)
    {
        AtomicFile.WriteAllText(path, ToJson(r).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static JsonObject Metrics(VerificationMetrics m) => new()
    {
        ["pairs"] = m.Pairs, ["genuine"] = m.Genuine, ["impostor"] = m.Impostor,
        ["accuracy_mean"] = m.KFold.Mean, ["accuracy_std"] = m.KFold.Std,
        ["fold_accuracies"] = new JsonArray([.. m.KFold.FoldAccuracies.Select(a => (JsonNode)a)]),
        ["fold_thresholds"] = new JsonArray([.. m.KFold.FoldThresholds.Select(a => (JsonNode?)Finite(a))]),
        ["best_accuracy"] = m.BestAccuracy, ["best_threshold"] = Finite(m.BestThreshold),
        ["tar_at_far"] = new JsonArray([.. m.TarAtFar.Select(t => (JsonNode)new JsonObject
        {
            ["far"] = t.TargetFar, ["tar"] = t.Tar, ["threshold"] = Finite(t.Threshold), ["achieved_far"] = Finite(t.AchievedFar),
            ["resolved"] = t.Resolved, ["note"] = t.Note,
        })]),
        ["auc"] = m.Auc, ["eer"] = Finite(m.Eer), ["eer_threshold"] = Finite(m.Roc.EerThreshold),
        ["roc"] = new JsonObject
        {
            ["far"] = new JsonArray([.. m.Roc.Thinned().Select(p => (JsonNode)Round(p.Far, 8))]),
            ["tar"] = new JsonArray([.. m.Roc.Thinned().Select(p => (JsonNode)Round(p.Tar, 8))]),
            ["threshold"] = new JsonArray([.. m.Roc.Thinned().Select(p => (JsonNode?)Finite(p.Threshold))]),
        },
    };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
    private static double Round(double v, int digits = 3) => Math.Round(v, digits);
}
