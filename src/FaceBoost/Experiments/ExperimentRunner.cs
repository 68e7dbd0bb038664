using FaceBoost.Runtime;
using System.Globalization;
using System.Text.Json;
using FaceBoost.Data;

namespace FaceBoost.Experiments;

/// <summary>Where an experiment's outputs are.</summary>
public sealed record ExperimentOutcome(string WorkDir, string ReportMarkdown, string ReportHtml, string ResultsJson,
    IReadOnlyList<ArmResult> Results, ResultTable Table, int StagesRun, int StagesCached);

/// <summary>The paper's comparison end to end: StyleGAN per unlabeled pool (and their union) → pSp encoder per
/// generator → synthetic identities from the union generator → for every label fraction × seed, one recognition
/// model per arm on the same labeled subset and budget → verification on every evaluation set → report.
/// Every unit is a content-addressed stage (<see cref="StageCache"/>): a re-run skips finished stages and resumes
/// an interrupted one from its checkpoint; a changed option re-runs only what depends on it.</summary>
public sealed class ExperimentRunner(ExperimentConfig config, string baseDir)
{
    public static readonly IReadOnlyList<string> KnownArms = ["scratch", "encoder:<pool>", "encoder:union", "synthetic"];

    public ExperimentConfig Config { get; } = config;
    public string WorkDir { get; } = Path.GetFullPath(config.WorkDir, baseDir);

    public static ExperimentRunner FromFile(string configPath) =>
        new(JsonConfig.Load<ExperimentConfig>(configPath), Path.GetDirectoryName(Path.GetFullPath(configPath))!);

    public void Validate()
    {
        var c = Config;
        if (c.Arms.Count == 0) throw new ArgumentException("config: no arms");
        if (c.Seeds.Count == 0) throw new ArgumentException("config: no seeds");
        if (c.LabelFractions.Count == 0 || c.LabelFractions.Any(f => f is <= 0 or > 1))
            throw new ArgumentException($"config: label fractions must be in (0, 1], got [{string.Join(", ", c.LabelFractions)}]");
        if (c.LabelMode is not ("identities" or "images")) throw new ArgumentException($"config: labelMode '{c.LabelMode}' must be identities or images");
        foreach (var arm in c.Arms)
        {
            if (arm == "autoencoder")
                throw new NotSupportedException("arm 'autoencoder' (the no-generator ablation) is not implemented yet; remove it from the config");
            if (arm is not ("scratch" or "synthetic") && !arm.StartsWith("encoder:", StringComparison.Ordinal))
                throw new ArgumentException($"config: unknown arm '{arm}'; known: {string.Join(", ", KnownArms)}");
            if (arm.StartsWith("encoder:", StringComparison.Ordinal) && arm != "encoder:union" && c.Pools.All(p => p.Name != arm["encoder:".Length..]))
                throw new ArgumentException($"config: arm '{arm}' names no pool; pools: [{string.Join(", ", c.Pools.Select(p => p.Name))}]");
        }
        if (c.Pools.Count == 0 && c.Arms.Any(a => a != "scratch"))
            throw new ArgumentException("config: pretrained arms need at least one unlabeled pool");
        if (c.Network.InputSize % 16 != 0) throw new ArgumentException($"config: network.inputSize {c.Network.InputSize} must be a multiple of 16");
    }

    public ExperimentOutcome Run(IProgress<ExperimentProgress>? progress = null, CancellationToken ct = default, Action<string>? log = null)
    {
        Validate();
        var c = Config;
        Directory.CreateDirectory(WorkDir);
        AtomicFile.WriteAllText(Path.Combine(WorkDir, "config.resolved.json"), JsonSerializer.Serialize(c, JsonConfig.Options));
        var cache = new StageCache(WorkDir);
        int run = 0, cached = 0;
        void Count(Stage s) { if (s.IsDone) cached++; else run++; }
        void Cached(Stage s, string name) { if (s.IsDone) progress?.Report(new ExperimentProgress(name, "done (cached)", 1, Cached: true)); }

        var data = ExperimentData.Load(c, baseDir);
        foreach (var n in data.Notes) log?.Invoke(n);

        // Stage 1 and 2: a generator and an encoder per pool an arm needs (synthetic identities use the union's).
        var poolsNeeded = c.Arms.Where(a => a.StartsWith("encoder:", StringComparison.Ordinal)).Select(a => a["encoder:".Length..]).ToList();
        if (c.Arms.Contains("synthetic")) poolsNeeded.Add(ExperimentData.UnionPool);
        var gans = new Dictionary<string, (Stage Stage, GanStageResult Result)>();
        var encoders = new Dictionary<string, (Stage Stage, EncoderStageResult Result)>();
        foreach (var poolName in poolsNeeded.Distinct())
        {
            var pool = data.Pool(poolName);
            var gs = cache.Get("gan", GanStage.Key(pool, c));
            Count(gs); Cached(gs, $"gan:{poolName}");
            gans[poolName] = (gs, GanStage.Run(gs, pool, c, progress, ct));
        }
        foreach (var poolName in poolsNeeded.Distinct().Where(p => c.Arms.Contains($"encoder:{p}")))
        {
            var pool = data.Pool(poolName);
            var es = cache.Get("encoder", EncoderStage.Key(gans[poolName].Stage, pool, c));
            Count(es); Cached(es, $"encoder:{poolName}");
            encoders[poolName] = (es, EncoderStage.Run(es, gans[poolName].Result, pool, c, progress, ct));
        }
        (Stage Stage, SyntheticStageResult Result)? synthetic = null;
        if (c.Arms.Contains("synthetic"))
        {
            var gan = gans[ExperimentData.UnionPool];
            var ss = cache.Get("synthetic", SyntheticStage.Key(gan.Stage, c));
            Count(ss); Cached(ss, "synth");
            synthetic = (ss, SyntheticStage.Run(ss, gan.Result, c, progress, ct));
        }

        // Stage 3: every arm on the same labeled subset for each label fraction and seed.
        var results = new List<ArmResult>();
        var trainings = new List<(RecognitionStage.Spec Spec, RecognitionStageResult Result)>();
        foreach (var fraction in c.LabelFractions.Order())
            foreach (var seed in c.Seeds)
            {
                var labeled = LabeledSubset(data.LabeledTrain, fraction, seed);
                foreach (var arm in c.Arms)
                {
                    var spec = arm switch
                    {
                        // As the paper: the baseline has the same 6-channel architecture, with the generator's average image.
                        "scratch" when encoders.Count > 0 => new RecognitionStage.Spec(arm, fraction, seed, labeled, null,
                            "avg:" + ScratchAverage(encoders).Stage.Hash, SixChannels: true, ScratchAverage(encoders).Result.AverageImage),
                        "scratch" => new RecognitionStage.Spec(arm, fraction, seed, labeled, null, null, SixChannels: false),
                        "synthetic" => new RecognitionStage.Spec(arm, fraction, seed, labeled, synthetic!.Value.Result.PretrainRun, synthetic.Value.Stage.Hash, SixChannels: false),
                        _ => EncoderSpec(arm, fraction, seed, labeled, encoders),
                    };
                    var rs = cache.Get("train", RecognitionStage.Key(spec, data, c));
                    Count(rs); Cached(rs, $"train:{arm}@{fraction:0.###}#{seed}");
                    var r = RecognitionStage.Run(rs, spec, data, c, progress, ct, w => log?.Invoke("skipped " + w));
                    trainings.Add((spec, r));
                    results.AddRange(r.Results);
                    log?.Invoke($"{arm} @ {fraction:P0} labels, seed {seed}: " + string.Join("; ", r.Results.Select(x =>
                        $"{x.EvalSet} {100 * x.Overall.Accuracy:F2} %")) + $" ({r.Identities} ids / {r.Images} images, {r.Steps} steps, {r.Seconds:F0} s)");
                }
            }

        // Report.
        var reportDir = Path.Combine(WorkDir, "report");
        Directory.CreateDirectory(reportDir);
        var table = new ResultTable(results, c.Arms);
        var figures = new List<ReportWriter.Figure>();
        foreach (var set in data.EvalSets)
        {
            if (c.LabelFractions.Count > 1)
                figures.Add(new ReportWriter.Figure($"Accuracy vs labels — {set.Name}", ReportPlots.AccuracyVsLabels(table, set.Name, Path.Combine(reportDir, $"accuracy-{set.Name}.png")),
                    "10-fold verification accuracy, mean over seeds, error bars: std over seeds."));
            foreach (var fraction in c.LabelFractions.Order())
            {
                var curves = trainings.Where(t => t.Spec.LabelFraction == fraction && t.Spec.Seed == c.Seeds[0])
                    .SelectMany(t => t.Result.Results.Where(r => r.EvalSet == set.Name).Select(r => (t.Spec.Arm, r.RocCsv!))).ToList();
                var png = Path.Combine(reportDir, $"roc-{set.Name}-{fraction.ToString("0.###", CultureInfo.InvariantCulture)}.png");
                figures.Add(new ReportWriter.Figure($"ROC — {set.Name}, {fraction:P0} of labels (seed {c.Seeds[0]})", ReportPlots.Roc(curves, $"ROC — {set.Name}, {fraction:P0} labels", png)));
            }
        }
        foreach (var (pool, (_, g)) in gans)
            if (g.SampleGrid is { } grid)
                figures.Add(new ReportWriter.Figure($"Generator samples — pool '{pool}'", grid,
                    $"{g.Kimg:F1} kimg on {g.Images} images; Fréchet distance (random conv features) {F(g.FrechetStart)} → {F(g.FrechetEnd)}."));
        foreach (var (pool, (_, e)) in encoders)
            if (e.ReconstructionGrid is { } grid)
                figures.Add(new ReportWriter.Figure($"Encoder reconstructions — pool '{pool}'", grid,
                    $"rows: input, reconstruction G(E(x)); {e.Steps} steps, L2 {F(e.FirstL2)} → {F(e.LastL2)}."));
        if (synthetic is { } s)
            figures.Add(new ReportWriter.Figure("Synthetic identities", s.Result.Grid,
                $"one row per identity (coarse styles fixed, fine styles and noise resampled); {s.Result.Identities} identities × " +
                $"{s.Result.Images / Math.Max(1, s.Result.Identities)} images; pretraining accuracy on them {s.Result.PretrainAccuracy:P0}."));

        var notes = new List<string>(data.Notes)
        {
            $"arms: {string.Join(", ", c.Arms)}; label fractions ({c.LabelMode}): {string.Join(", ", c.LabelFractions.Select(f => f.ToString("P0", CultureInfo.InvariantCulture)))}; seeds: {string.Join(", ", c.Seeds)}",
            $"network: {c.Network.BackboneName} width {c.Network.Width} at {c.Network.InputSize} px (6-channel image ⊕ average image for encoder arms); " +
            $"{c.Recognition.Loss} s={c.Recognition.Scale} m={c.Recognition.Margin}; ≥ {c.Recognition.Epochs} epochs / ≥ {c.Recognition.MinSteps} steps; body frozen {c.Recognition.FreezeBodyEpochs} epochs for pretrained arms",
            $"stages run this time: {run}, reused from cache: {cached} (work dir {WorkDir})",
        };
        var title = $"FaceBoost experiment — {c.Name}";
        var (md, html) = ReportWriter.Write(reportDir, title, table, figures, notes);
        var json = Path.Combine(reportDir, "results.json");
        AtomicFile.WriteAllText(json, JsonSerializer.Serialize(results, JsonConfig.Options));
        return new ExperimentOutcome(WorkDir, md, html, json, results, table, run, cached);
    }

    private static (Stage Stage, EncoderStageResult Result) ScratchAverage(Dictionary<string, (Stage Stage, EncoderStageResult Result)> encoders) =>
        encoders.TryGetValue(ExperimentData.UnionPool, out var union) ? union : encoders.OrderBy(e => e.Key, StringComparer.Ordinal).First().Value;

    private static string F(double? x) => x is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "–";

    private RecognitionStage.Spec EncoderSpec(string arm, double fraction, int seed, FaceDataset labeled,
        Dictionary<string, (Stage Stage, EncoderStageResult Result)> encoders)
    {
        var pool = arm["encoder:".Length..];
        var (stage, result) = encoders[pool];
        return new RecognitionStage.Spec(arm, fraction, seed, labeled, result.Checkpoint, stage.Hash, SixChannels: true);
    }

    /// <summary>The labeled budget of one (fraction, seed): a fraction of the identities (at least 2, so a margin
    /// softmax has something to separate) or of each identity's images (at least 2, so there are positives).</summary>
    public FaceDataset LabeledSubset(FaceDataset train, double fraction, int seed)
    {
        if (fraction >= 1) return train;
        if (Config.LabelMode == "images")
        {
            var perId = Math.Max(2, (int)Math.Round(fraction * train.ImagesPerIdentity().Mean));
            return Splits.LimitLabels(train, 1.0, perId, seed);
        }
        var f = Math.Max(fraction, 2.0 / train.IdentityCount);
        return Splits.LimitLabels(train, Math.Min(1, f), null, seed);
    }
}
