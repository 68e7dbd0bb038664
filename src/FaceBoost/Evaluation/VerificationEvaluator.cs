using FaceBoost.Data;

namespace FaceBoost.Evaluation;

/// <summary>Runs the verification protocol for any <see cref="IFaceEmbedder"/> (ONNX model or checkpoint):
/// embeds every distinct image once, scores pairs by cosine similarity, excludes pairs with an
/// undecodable image (counted and listed) and computes overall and per-group metrics.</summary>
public static class VerificationEvaluator
{
    public static VerificationReport Evaluate(IFaceEmbedder embedder, IReadOnlyList<VerificationPair> pairs, EvalOptions? options = null,
                                              CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(pairs);
        options ??= new EvalOptions();
        if (pairs.Count == 0) throw new ArgumentException("no pairs to evaluate");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string Resolve(string p) => options.ImageRoot is { } root && !Path.IsPathRooted(p) ? Path.Combine(root, p) : p;

        var extractor = new EmbeddingExtractor(embedder, options.Extraction);
        extractor.Extract(pairs.SelectMany(p => new[] { Resolve(p.PathA), Resolve(p.PathB) }), options.Progress, cancel);

        var scores = new double[pairs.Count];
        var excluded = new List<ExcludedPair>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var (a, b) = (Resolve(pairs[i].PathA), Resolve(pairs[i].PathB));
            var ea = extractor.TryGet(a); var eb = extractor.TryGet(b);
            if (ea is null || eb is null)
            {
                var why = ea is null ? $"{a}: {extractor.Failures[a]}" : $"{b}: {extractor.Failures[b]}";
                excluded.Add(new ExcludedPair(i, pairs[i].PathA, pairs[i].PathB, why));
                scores[i] = double.NaN;
            }
            else scores[i] = EmbeddingExtractor.Cosine(ea, eb);
        }
        var report = FromScores(pairs, scores, options.Metrics, options.ModelName ?? embedder.ToString() ?? embedder.GetType().Name);
        var embeddings = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (options.KeepEmbeddings)
            foreach (var p in pairs.SelectMany(p => new[] { Resolve(p.PathA), Resolve(p.PathB) }))
                if (!embeddings.ContainsKey(p) && extractor.TryGet(p) is { } e) embeddings[p] = e;
        return report with
        {
            Excluded = excluded,
            FailedImages = new Dictionary<string, string>(extractor.Failures),
            ImagesEmbedded = extractor.Cached,
            EmbedSeconds = extractor.EmbedSeconds,
            TotalSeconds = sw.Elapsed.TotalSeconds,
            Extraction = options.Extraction,
            Embeddings = embeddings,
        };
    }

    /// <summary>Builds the report from precomputed similarity scores (NaN = pair excluded), e.g. for
    /// validation inside training or for scores produced elsewhere.</summary>
    /// <param name="groupFolds">Fold of each pair within its group (e.g. read back from scores.tsv), so that per-group
    /// figures reproduce a run whose groups had their own folds; default: assigned per group by the options.</param>
    public static VerificationReport FromScores(IReadOnlyList<VerificationPair> pairs, IReadOnlyList<double> scores, MetricsOptions? metrics = null,
                                                string model = "scores", IReadOnlyList<int>? groupFolds = null)
    {
        metrics ??= new MetricsOptions();
        if (pairs.Count != scores.Count) throw new ArgumentException($"{pairs.Count} pairs but {scores.Count} scores");
        var kept = Enumerable.Range(0, pairs.Count).Where(i => !double.IsNaN(scores[i])).ToArray();
        var excluded = Enumerable.Range(0, pairs.Count).Where(i => double.IsNaN(scores[i]))
            .Select(i => new ExcludedPair(i, pairs[i].PathA, pairs[i].PathB, "no score")).ToList();
        if (kept.Length == 0) throw new InvalidOperationException($"all {pairs.Count} pairs were excluded (no image could be embedded)");

        // LFW lists read with their "10 300" header carry folds: the protocol's own split wins.
        bool listFolds = metrics.UseListFolds && kept.All(i => pairs[i].Fold >= 0) && kept.Select(i => pairs[i].Fold).Distinct().Count() >= 2;
        VerificationMetrics Metrics(int[] idx, IReadOnlyList<int>? own = null) =>
            VerificationMetrics.Compute(idx.Select(i => scores[i]).ToArray(), idx.Select(i => pairs[i].Same).ToArray(), metrics,
                own is not null && idx.All(i => own[i] >= 0) ? idx.Select(i => own[i]).ToArray()
                : listFolds ? idx.Select(i => pairs[i].Fold).ToArray() : null);

        var overall = Metrics(kept);
        var pairFolds = Enumerable.Repeat(-1, pairs.Count).ToArray();
        var pairGroupFolds = Enumerable.Repeat(-1, pairs.Count).ToArray();
        for (int j = 0; j < kept.Length; j++) pairFolds[kept[j]] = overall.Folds[j];
        // A group is reported only if it has both kinds of pairs (a small held-out split can leave a group with one
        // identity, hence no impostor pair of its own); the overall figures still count its pairs.
        var groupNames = pairs.Select(p => p.Group).OfType<string>().Distinct(StringComparer.Ordinal)
            .Where(g => kept.Any(i => pairs[i].Group == g && pairs[i].Same) && kept.Any(i => pairs[i].Group == g && !pairs[i].Same))
            .ToList();
        var groups = groupNames.Select(g =>
        {
            var idx = kept.Where(i => pairs[i].Group == g).ToArray();
            var m = Metrics(idx, groupFolds);
            for (int j = 0; j < idx.Length; j++) pairGroupFolds[idx[j]] = m.Folds[j];
            return new GroupResult(g, m, excluded.Count(e => pairs[e.Index].Group == g));
        }).ToList();
        var summary = groups.Count >= 2
            ? GroupSummary.Compute(groups.Select(g => KeyValuePair.Create(g.Name, g.Metrics.KFold.Mean)).ToList())
            : null;
        return new VerificationReport
        {
            Model = model, TotalPairs = pairs.Count, Overall = overall, Groups = groups, GroupSummary = summary,
            Excluded = excluded, Scores = scores.ToArray(), Pairs = pairs, PairFolds = pairFolds, PairGroupFolds = pairGroupFolds,
            Protocol = listFolds ? metrics with { Folds = kept.Max(i => pairs[i].Fold) + 1, FoldScheme = FoldScheme.Consecutive } : metrics,
        };
    }
}
