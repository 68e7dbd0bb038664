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
/// <summary>A GAN run's snapshot at one kimg budget; <see cref="Hash"/> names it in the keys of the stages it feeds.</summary>
public sealed record GanPoint(Stage Stage, double Kimg, GanStageResult Result)
{
    public string Hash => $"{Stage.Hash}@{GanStage.KimgTag(Kimg)}";
}

/// <summary>A pretrained starting point for recognition: an encoder arm at one budget point, or the autoencoder.</summary>
/// <param name="Kimg">The GAN budget behind it (null for the autoencoder, which has no GAN).</param>
/// <param name="Seconds">Pretraining wall time: the GAN run up to its point plus the encoder.</param>
/// <param name="Draw">Which independent pretraining run (<see cref="ExperimentConfig.PretrainDraws"/>) this is.</param>
public sealed record PretrainedArm(string Name, string BaseArm, string Pool, Stage Stage, EncoderStageResult Result, double? Kimg, int Steps, double Seconds, int Draw = 0);

public sealed class ExperimentRunner(ExperimentConfig config, string baseDir)
{
    public static readonly IReadOnlyList<string> KnownArms = ["scratch", "encoder:<pool>", "encoder:union", "synthetic", EncoderStage.AutoencoderArm];

    public ExperimentConfig Config { get; } = config;
    public string WorkDir { get; } = Path.GetFullPath(config.WorkDir, baseDir);
    public string StagesDir { get; } = Path.GetFullPath(config.StagesDir ?? Path.Combine(config.WorkDir, "stages"), baseDir);

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
        if (c.Arms.FirstOrDefault(a => !IsArm(a, c.Pools)) is { } badArm)
            throw new ArgumentException(badArm.StartsWith("encoder:", StringComparison.Ordinal)
                ? $"config: arm '{badArm}' names no pool; pools: [{string.Join(", ", c.Pools.Select(p => p.Name))}]"
                : $"config: unknown arm '{badArm}'; known: {string.Join(", ", KnownArms)}");
        if (c.Pools.Count == 0 && c.Arms.Any(a => a != "scratch"))
            throw new ArgumentException("config: pretrained arms need at least one unlabeled pool");
        if (c.PretrainDraws < 1 || (c.PretrainDraws > c.Seeds.Count && !c.CrossDraws))
            throw new ArgumentException($"config: pretrainDraws {c.PretrainDraws} must be between 1 and the number of seeds ({c.Seeds.Count}): " +
                                        "recognition seed i starts from draw i mod pretrainDraws, so more draws than seeds would never be used (crossDraws uses them all)");
        if (c.Seeds.Distinct().Count() != c.Seeds.Count) throw new ArgumentException($"config: seeds [{string.Join(", ", c.Seeds)}] repeat a seed");
        if (c.Network.InputSize % 16 != 0) throw new ArgumentException($"config: network.inputSize {c.Network.InputSize} must be a multiple of 16");
        // A per-arm table may name a valid arm this config does not run (a base config's table serves configs that run
        // fewer arms); a name that is no arm at all is a typo.
        void CheckTable<T>(string table, IReadOnlyDictionary<string, T>? values, Func<T, bool> valid, string must)
        {
            if (values is null) return;
            if (values.Keys.FirstOrDefault(a => !IsArm(a, c.Pools)) is { } arm)
                throw new ArgumentException($"config: recognition.{table} names '{arm}', which is no arm (arms here: [{string.Join(", ", c.Arms)}]; known: {string.Join(", ", KnownArms)})");
            foreach (var (name, value) in values)
                if (!valid(value))
                    throw new ArgumentException($"config: recognition.{table}['{name}'] = {Convert.ToString(value, CultureInfo.InvariantCulture)} must be {must}");
        }
        CheckTable("armLr", c.Recognition.ArmLr, lr => double.IsFinite(lr) && lr > 0, "a positive learning rate");
        CheckTable("armFreezeBodyEpochs", c.Recognition.ArmFreezeBodyEpochs, epochs => epochs >= 0, "0 or more epochs");
        CheckTable("armMinSteps", c.Recognition.ArmMinSteps, steps => steps >= 0, "0 or more steps");
        if (c.Recognition.TransferStages is < 0 or > 4)
            throw new ArgumentException($"config: recognition.transferStages {c.Recognition.TransferStages} must be in [0, 4] (4 = the whole body, as the paper)");
    }

    /// <summary>Whether <paramref name="arm"/> is an arm a config over <paramref name="pools"/> could run: one of the
    /// fixed arms, or an encoder on the union or on a named pool.</summary>
    private static bool IsArm(string arm, IReadOnlyList<PoolConfig> pools) =>
        arm is "scratch" or "synthetic" or EncoderStage.AutoencoderArm or "encoder:union"
        || (arm.StartsWith("encoder:", StringComparison.Ordinal) && pools.Any(p => p.Name == arm["encoder:".Length..]));

    public ExperimentOutcome Run(IProgress<ExperimentProgress>? progress = null, CancellationToken ct = default, Action<string>? log = null)
    {
        Validate();
        var c = Config;
        Directory.CreateDirectory(WorkDir);
        AtomicFile.WriteAllText(Path.Combine(WorkDir, "config.resolved.json"), JsonSerializer.Serialize(c, JsonConfig.Options));
        var cache = new StageCache(StagesDir);
        int run = 0, cached = 0;
        void Count(Stage s) { if (s.IsDone) cached++; else run++; }
        void Cached(Stage s, string name) { if (s.IsDone) progress?.Report(new ExperimentProgress(name, "done (cached)", 1, Cached: true)); }

        var data = ExperimentData.Load(c, baseDir);
        foreach (var n in data.Notes) log?.Invoke(n);

        // Stage 1: one GAN run per pool an arm needs (synthetic identities use the union's) and pretraining draw,
        // snapshotted at every budget point asked of it, in ascending order.
        var kimgs = Budgets(c.Sweep?.GanKimg, c.Gan.Kimg);
        var steps = Budgets(c.Sweep?.EncoderSteps, c.Encoder.Steps);
        var swept = kimgs.Count > 1 || steps.Count > 1;
        var encoderArms = c.Arms.Where(a => a.StartsWith("encoder:", StringComparison.Ordinal)).ToList();
        var poolsNeeded = encoderArms.Select(a => a["encoder:".Length..]).ToList();
        if (c.Arms.Contains("synthetic")) poolsNeeded.Add(ExperimentData.UnionPool);
        var draws = Enumerable.Range(0, c.PretrainDraws).ToList();
        string Drawn(string name, int draw) => c.PretrainDraws > 1 ? $"{name}~{draw}" : name;
        var gans = new Dictionary<(string Pool, double Kimg, int Draw), GanPoint>();
        foreach (var draw in draws)
        foreach (var poolName in poolsNeeded.Distinct())
        {
            var pool = data.Pool(poolName);
            var wanted = new SortedSet<double>();
            if (encoderArms.Contains($"encoder:{poolName}")) wanted.UnionWith(kimgs);
            if (poolName == ExperimentData.UnionPool && c.Arms.Contains("synthetic")) wanted.Add(c.Gan.Kimg);
            var gs = cache.Get("gan", GanStage.Key(pool, c, c.PretrainSeed(draw)));
            foreach (var k in wanted)
            {
                if (File.Exists(GanStage.PointFile(gs, k))) { cached++; progress?.Report(new ExperimentProgress(Drawn($"gan:{poolName}@{k:0.###}kimg", draw), "done (cached)", 1, Cached: true)); }
                else run++;
                gans[(poolName, k, draw)] = new GanPoint(gs, k, GanStage.Run(gs, pool, c, c.PretrainSeed(draw), k, wanted.Max, progress, ct));
            }
        }

        // Stage 2: an encoder per pool and budget point; the autoencoder ablation (the same encoder, losses, steps and
        // pool — the union — through a learned decoder) per steps point.
        var pretrained = new List<PretrainedArm>();
        foreach (var draw in draws)
        foreach (var arm in encoderArms)
        {
            var poolName = arm["encoder:".Length..];
            var pool = data.Pool(poolName);
            foreach (var k in kimgs)
                foreach (var n in steps)
                {
                    var ck = c with { Encoder = c.Encoder with { Steps = n } };
                    var gan = gans[(poolName, k, draw)];
                    var es = cache.Get("encoder", EncoderStage.Key(gan.Hash, pool, ck, c.PretrainSeed(draw)));
                    var name = swept ? $"{arm}@{k:0.###}kimg/{n}steps" : arm;
                    Count(es); Cached(es, Drawn(name, draw));
                    var r = EncoderStage.Run(es, gan.Result, pool, ck, c.PretrainSeed(draw), progress, ct);
                    pretrained.Add(new PretrainedArm(name, arm, pool.Name, es, r, k, n, gan.Result.Seconds + r.Seconds, draw));
                }
        }
        if (c.Arms.Contains(EncoderStage.AutoencoderArm))
        foreach (var draw in draws)
        {
            var pool = data.Pool(ExperimentData.UnionPool);
            foreach (var n in steps)
            {
                var ck = c with { Encoder = c.Encoder with { Steps = n } };
                var st = cache.Get(EncoderStage.AutoencoderArm, EncoderStage.AutoencoderKey(pool, ck, c.PretrainSeed(draw)));
                var name = swept ? $"{EncoderStage.AutoencoderArm}@{n}steps" : EncoderStage.AutoencoderArm;
                Count(st); Cached(st, Drawn(name, draw));
                var r = EncoderStage.RunAutoencoder(st, pool, ck, c.PretrainSeed(draw), progress, ct);
                pretrained.Add(new PretrainedArm(name, EncoderStage.AutoencoderArm, pool.Name, st, r, null, n, r.Seconds, draw));
            }
        }
        var synthetic = new Dictionary<int, (Stage Stage, SyntheticStageResult Result)>();
        if (c.Arms.Contains("synthetic"))
            foreach (var draw in draws)
            {
                var gan = gans[(ExperimentData.UnionPool, c.Gan.Kimg, draw)];
                var ss = cache.Get("synthetic", SyntheticStage.Key(gan.Hash, c, c.PretrainSeed(draw)));
                Count(ss); Cached(ss, Drawn("synth", draw));
                synthetic[draw] = (ss, SyntheticStage.Run(ss, gan.Result, c, c.PretrainSeed(draw), progress, ct));
            }

        // Stage 3: every arm on the same labeled subset for each label fraction and seed. The from-scratch baseline
        // keeps the pretrained arms' 6-channel architecture (as the paper), with the union encoder's average image
        // (of draw 0, so scratch does not depend on the number of draws). Seed i's pretrained arms start from draw i mod draws,
        // or from every draw with crossDraws (one model per draw; the table averages a seed's draws).
        var armNames = c.Arms.SelectMany(a => pretrained.Any(p => p.BaseArm == a) ? pretrained.Where(p => p.BaseArm == a).Select(p => p.Name).Distinct() : [a]).ToList();
        // With the autoencoder as the only 6-channel arm, scratch takes its average image, so the two still share the architecture.
        var scratchAverage = pretrained.Where(p => p.Draw == 0)
            .OrderBy(p => p.BaseArm.StartsWith("encoder:", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(p => p.Pool == ExperimentData.UnionPool ? 0 : 1).ThenByDescending(p => p.Kimg ?? -1).ThenByDescending(p => p.Steps).FirstOrDefault();
        var results = new List<ArmResult>();
        var trainings = new List<(RecognitionStage.Spec Spec, RecognitionStageResult Result, int Draw)>();
        foreach (var fraction in c.LabelFractions.Order())
            foreach (var seed in c.Seeds)
            {
                var labeled = LabeledSubset(data.LabeledTrain, fraction, seed);
                var seedDraws = c.DrawsOf(seed);
                foreach (var arm in armNames)
                foreach (var draw in arm == "scratch" ? [0] : seedDraws)
                {
                    var p = pretrained.FirstOrDefault(p => p.Name == arm && p.Draw == draw);
                    var spec = arm switch
                    {
                        _ when p is not null => new RecognitionStage.Spec(arm, fraction, seed, labeled, p.Result.Checkpoint, p.Stage.Hash, SixChannels: true),
                        "scratch" when scratchAverage is not null => new RecognitionStage.Spec(arm, fraction, seed, labeled, null,
                            "avg:" + scratchAverage.Stage.Hash, SixChannels: true, scratchAverage.Result.AverageImage),
                        "scratch" => new RecognitionStage.Spec(arm, fraction, seed, labeled, null, null, SixChannels: false),
                        "synthetic" => new RecognitionStage.Spec(arm, fraction, seed, labeled, synthetic[draw].Result.PretrainRun, synthetic[draw].Stage.Hash, SixChannels: false),
                        _ => throw new InvalidOperationException($"arm '{arm}' has no pretraining stage"),
                    };
                    var rs = cache.Get("train", RecognitionStage.Key(spec, data, c));
                    var drawTag = arm != "scratch" && c.PretrainDraws > 1 ? $", draw {draw}" : "";
                    var stageName = $"train:{arm}@{fraction:0.###}#{seed}";
                    Count(rs); Cached(rs, arm == "scratch" ? stageName : Drawn(stageName, draw));
                    var r = RecognitionStage.Run(rs, spec, data, c, progress, ct, w => log?.Invoke("skipped " + w));
                    trainings.Add((spec, r, draw));
                    results.AddRange(r.Results.Select(x => x with { Draw = draw }));
                    log?.Invoke($"{arm} @ {fraction:P0} labels, seed {seed}{drawTag}: " + string.Join("; ", r.Results.Select(x =>
                        $"{x.EvalSet} {100 * x.Overall.Accuracy:F2} %")) + $" ({r.Identities} ids / {r.Images} images, {r.Steps} steps, {r.Seconds:F0} s)");
                }
            }

        // Report.
        var reportDir = Path.Combine(WorkDir, "report");
        Directory.CreateDirectory(reportDir);
        var table = new ResultTable(results, armNames);
        var figures = new List<ReportWriter.Figure>();
        foreach (var set in data.EvalSets)
        {
            if (c.LabelFractions.Count > 1)
                figures.Add(new ReportWriter.Figure($"Accuracy vs labels — {set.Name}", ReportPlots.AccuracyVsLabels(table, set.Name, Path.Combine(reportDir, $"accuracy-{set.Name}.png")),
                    "10-fold verification accuracy, mean over seeds, error bars: std over seeds."));
            foreach (var fraction in c.LabelFractions.Order())
            {
                var curves = trainings.Where(t => t.Spec.LabelFraction == fraction && t.Spec.Seed == c.Seeds[0] && t.Draw == c.DrawOf(c.Seeds[0]))
                    .SelectMany(t => t.Result.Results.Where(r => r.EvalSet == set.Name).Select(r => (t.Spec.Arm, r.RocCsv!))).ToList();
                var png = Path.Combine(reportDir, $"roc-{set.Name}-{fraction.ToString("0.###", CultureInfo.InvariantCulture)}.png");
                figures.Add(new ReportWriter.Figure($"ROC — {set.Name}, {fraction:P0} of labels (seed {c.Seeds[0]})", ReportPlots.Roc(curves, $"ROC — {set.Name}, {fraction:P0} labels", png)));
            }
        }
        var sections = new List<ReportWriter.Section>();
        // One budget row per arm and point: its pretraining time is the mean over draws.
        var budgetArms = pretrained.GroupBy(p => p.Name).Select(g => g.First() with { Seconds = g.Average(p => p.Seconds) }).ToList();
        if (swept)
            foreach (var set in data.EvalSets)
            {
                sections.Add(BudgetReport.Table(table, budgetArms, set.Name));
                var png = Path.Combine(reportDir, $"gain-vs-budget-{set.Name}.png");
                if (BudgetReport.Plot(table, budgetArms, set.Name, png) is { } plot)
                    figures.Add(new ReportWriter.Figure($"Gain over scratch vs GAN budget — {set.Name}", plot,
                        "paired gain (points) per encoder steps and label fraction; line: mean over seeds, dots: single seeds."));
            }
        if (c.CrossDraws && c.PretrainDraws > 1)
            sections.AddRange(data.EvalSets.Select(set => DrawReport.Section(results, armNames, set.Name)));
        // Figures of draw 0 only: further draws are the same settings from another seed.
        var ofDraw = c.PretrainDraws > 1 ? $" (draw 0 of {c.PretrainDraws})" : "";
        foreach (var ((pool, k, _), g) in gans.Where(g => g.Key.Draw == 0))
            if (g.Result.SampleGrid is { } grid)
                figures.Add(new ReportWriter.Figure($"Generator samples — pool '{pool}', {k:0.###} kimg{ofDraw}", grid,
                    $"{g.Result.Kimg:F1} kimg on {g.Result.Images} images ({g.Result.Seconds / 60:F1} min); Fréchet distance (random conv features) {F(g.Result.FrechetStart)} → {F(g.Result.FrechetEnd)}."));
        foreach (var p in pretrained.Where(p => p.Draw == 0))
            if (p.Result.ReconstructionGrid is { } grid)
                figures.Add(p.Kimg is null
                    ? new ReportWriter.Figure($"Autoencoder reconstructions (learned decoder, no GAN) — {p.Name}{ofDraw}", grid,
                        $"rows: input, reconstruction D(E(x)); {p.Result.Steps} steps, L2 {F(p.Result.FirstL2)} → {F(p.Result.LastL2)}.")
                    : new ReportWriter.Figure($"Encoder reconstructions — {p.Name}{ofDraw}", grid,
                        $"rows: input, reconstruction G(E(x)); {p.Result.Steps} steps, L2 {F(p.Result.FirstL2)} → {F(p.Result.LastL2)}."));
        if (synthetic.TryGetValue(0, out var s))
            figures.Add(new ReportWriter.Figure($"Synthetic identities{ofDraw}", s.Result.Grid,
                $"one row per identity (coarse styles fixed, fine styles and noise resampled); {s.Result.Identities} identities × " +
                $"{s.Result.Images / Math.Max(1, s.Result.Identities)} images; pretraining accuracy on them {s.Result.PretrainAccuracy:P0}."));

        var notes = new List<string>(data.Notes)
        {
            $"arms: {string.Join(", ", c.Arms)}; label fractions ({c.LabelMode}): {string.Join(", ", c.LabelFractions.Select(f => f.ToString("P0", CultureInfo.InvariantCulture)))}; seeds: {string.Join(", ", c.Seeds)}",
            $"network: {c.Network.BackboneName} width {c.Network.Width} at {c.Network.InputSize} px (6-channel image ⊕ average image for encoder arms); " +
            $"{c.Recognition.Loss} s={c.Recognition.Scale?.ToString(CultureInfo.InvariantCulture) ?? "default"} m={c.Recognition.Margin?.ToString(CultureInfo.InvariantCulture) ?? "default"}; ≥ {c.Recognition.Epochs} epochs / " +
            (c.Recognition.ArmMinSteps is { Count: > 0 }
                ? $"≥ {string.Join(", ", c.Arms.Select(a => $"{RecognitionStage.MinStepsOf(a, c.Recognition)} steps for {a}"))} (recognition.armMinSteps); "
                : $"≥ {c.Recognition.MinSteps} steps; ") +
            (c.Recognition.ArmLr is { Count: > 0 }
                ? $"lr per arm: {string.Join(", ", c.Arms.Select(a => $"{a} {RecognitionStage.LrOf(a, c.Recognition).ToString(CultureInfo.InvariantCulture)}"))} (recognition.armLr)"
                : $"lr {c.Recognition.Lr.ToString(CultureInfo.InvariantCulture)}") +
            (c.Recognition.ArmFreezeBodyEpochs is { Count: > 0 }
                ? $"; body frozen per arm: {string.Join(", ", c.Arms.Where(a => a != "scratch").Select(a => $"{a} {RecognitionStage.FreezeOf(a, c.Recognition)}"))} epochs (recognition.armFreezeBodyEpochs)"
                : $"; body frozen {c.Recognition.FreezeBodyEpochs} epochs for pretrained arms") +
            (c.Recognition.TransferStages is { } ts and < 4 ? $"; encoder transfer: input layer + the first {ts} of 4 body stages (the rest start fresh)" : "") +
            (c.Recognition.BodyLrScale is { } bl and not 1 ? $"; pretrained body at lr × {bl.ToString(CultureInfo.InvariantCulture)}" : "") +
            (c.Recognition.TrainSeedOffset is { } so and not 0 ? $"; training seed = labeled-subset seed + {so} (recognition.trainSeedOffset: same identities, other starts)" : "") +
            (c.Encoder.InversionNoise == "none" ? "; the encoder inverts the generator with its noise inputs off (inversionNoise none)" : "") +
            (c.Gan.NoiseInputs == false ? "; the generator has no per-pixel noise inputs (gan.noiseInputs false)" : "") +
            (c.Gan.NoiseStrengthMax is { } nm ? $"; the generator's noise strengths are bounded to ±{nm.ToString(CultureInfo.InvariantCulture)} (gan.noiseStrengthMax)" : ""),
            $"stages run this time: {run}, reused from cache: {cached} (work dir {WorkDir}" + (c.StagesDir is null ? ")" : $"; stages in {StagesDir})"),
        };
        if (c.Demo is { } demo)
            notes.Insert(0, $"world: procedural faces rendered by `faceboost demo` (docs/procedural-faces.md): {demo.LabeledIdentities} labeled " +
                            $"identities × {demo.ImagesPerIdentity} images in groups A–D, two unlabeled pools of {demo.PoolImages} faces of other " +
                            $"people (groups A+B, C+D), {demo.ImageSize} px, nuisance strength {demo.Nuisance.ToString(CultureInfo.InvariantCulture)}, " +
                            $"seed {demo.Seed}; the renderer draws identities from their own seeded parameters and never sees a label or a result");
        if (c.PretrainDraws > 1)
            notes.Add($"pretraining draws: {c.PretrainDraws} independent GAN/encoder runs per setting (seeds {string.Join(", ", draws.Select(c.PretrainSeed))}); " +
                      (c.CrossDraws
                          ? $"crossed: every recognition seed trained from every draw ({c.Seeds.Count} × {c.PretrainDraws} models per pretrained arm and fraction); " +
                            "a seed's gain in the tables is its mean over the draws; final encoder L2 per draw: "
                          : "recognition " + string.Join(", ", c.Seeds.Select(sd => $"seed {sd} → draw {c.DrawOf(sd)}")) +
                            ", so the paired std includes the pretraining's own run-to-run variation; final encoder L2 per draw: ") +
                      string.Join("; ", pretrained.GroupBy(p => p.Name).Select(g => $"{g.Key} " + string.Join(" / ", g.OrderBy(p => p.Draw).Select(p => F(p.Result.LastL2))))));
        var title = $"FaceBoost experiment — {c.Name}";
        var (md, html) = ReportWriter.Write(reportDir, title, table, figures, notes, sections);
        var json = Path.Combine(reportDir, "results.json");
        AtomicFile.WriteAllText(json, JsonSerializer.Serialize(results, JsonConfig.Options));
        return new ExperimentOutcome(WorkDir, md, html, json, results, table, run, cached);
    }

    private static string F(double? x) => x is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "–";

    /// <summary>The sweep's points, or the config's single budget; ascending, distinct.</summary>
    private static List<T> Budgets<T>(IReadOnlyList<T>? sweep, T single) =>
        (sweep is { Count: > 0 } ? sweep : [single]).Distinct().Order().ToList();

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
