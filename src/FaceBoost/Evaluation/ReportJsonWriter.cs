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
            ["name"] = Name(r.Protocol.Protocol),
            ["reference"] = r.Protocol.Protocol == VerificationProtocol.Insightface
                ? "insightface recognition/arcface_torch/eval/verification.py: calculate_roc on the 0.01 grid of squared L2 distance (first best on ties), calculate_val for TAR@FAR (scipy 1.8 slinear)"
                : "exact cuts between distinct scores (lowest on ties); TAR@FAR pooled at the impostor quantile",
            ["folds"] = r.Protocol.Folds,
            ["fold_scheme"] = r.Protocol.FoldScheme.ToString().ToLowerInvariant(),
            ["seed"] = r.Protocol.Seed,
            ["score"] = "cosine similarity of L2-normalised embeddings; same when score >= threshold",
            ["fold_std"] = "population std of fold accuracies",
            ["preprocess"] = r.Extraction.Preprocess.ToString(),
            ["flip_sum"] = r.Extraction.FlipSum,
        },
        ["single_class_folds"] = r.HasSingleClassFolds,
        ["warnings"] = new JsonArray([.. r.Warnings.Select(w => (JsonNode)w)]),
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
            ["skewed_error_ratio"] = s.SkewedErrorRatio,
            ["skewed_error_ratio_note"] = s.SkewedErrorRatio is null ? "undefined: the best group makes no error" : null,
            ["worst_group"] = s.WorstGroup, ["best_group"] = s.BestGroup,
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
        ["accuracy_mean"] = m.KFold.Mean, ["accuracy_std"] = m.KFold.Std, ["accuracy_protocol"] = Name(m.Protocol),
        ["fold_accuracies"] = new JsonArray([.. m.KFold.FoldAccuracies.Select(a => (JsonNode)a)]),
        ["fold_thresholds"] = new JsonArray([.. m.KFold.FoldThresholds.Select(a => (JsonNode?)Finite(a))]),
        ["fold_threshold_kind"] = m.KFold.ThresholdKind == ThresholdKind.SquaredDistance
            ? "squared L2 distance (2 - 2 cosine); same when distance < threshold" : "cosine similarity; same when score >= threshold",
        ["single_class_folds"] = new JsonArray([.. m.SingleClassFolds.Select(f => (JsonNode)f)]),
        ["best_accuracy"] = m.BestAccuracy, ["best_threshold"] = Finite(m.BestThreshold), ["best_protocol"] = "exact",
        ["tar_at_far"] = new JsonArray([.. m.TarAtFar.Select(t => (JsonNode)new JsonObject
        {
            ["far"] = t.TargetFar, ["tar"] = t.Tar, ["tar_std"] = t.TarStd, ["protocol"] = Name(t.Protocol),
            ["threshold"] = Finite(t.Threshold), ["achieved_far"] = Finite(t.AchievedFar),
            ["threshold_kind"] = t.Protocol == VerificationProtocol.Insightface ? "mean squared L2 distance over folds" : "cosine similarity",
            ["resolved"] = t.Resolved, ["note"] = t.Note ?? (t.Tar is null ? "not computable" : null),
        })]),
        ["auc"] = m.Auc, ["auc_protocol"] = "exact",
        ["eer"] = Finite(m.Eer), ["eer_threshold"] = Finite(m.Roc.EerThreshold),
        ["eer_note"] = double.IsFinite(m.Eer) ? null : "the ROC never reaches FAR = FRR",
        ["roc"] = new JsonObject
        {
            ["far"] = new JsonArray([.. m.Roc.Thinned().Select(p => (JsonNode)Round(p.Far, 8))]),
            ["tar"] = new JsonArray([.. m.Roc.Thinned().Select(p => (JsonNode)Round(p.Tar, 8))]),
            ["threshold"] = new JsonArray([.. m.Roc.Thinned().Select(p => (JsonNode?)Finite(p.Threshold))]),
        },
    };

    private static string Name(VerificationProtocol p) => p.ToString().ToLowerInvariant();

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
    private static double Round(double v, int digits = 3) => Math.Round(v, digits);
}
