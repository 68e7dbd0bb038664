using FaceBoost.Runtime;
using FaceBoost.Data;
using FaceBoost.Evaluation;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Training;

namespace FaceBoost.Experiments;

public sealed record RecognitionStageResult(string RunDir, long Steps, int Epochs, double LastLoss, double LastAccuracy,
    int Identities, int Images, double Seconds, IReadOnlyList<ArmResult> Results);

/// <summary>Stage 3 + evaluation: one recognition model (an arm at a label budget and seed) trained with a margin
/// softmax on the labeled subset — from scratch, or with the body initialised from an encoder or a synthetic-identity
/// model and frozen for the first epochs — then evaluated on every evaluation set.</summary>
public static class RecognitionStage
{
    public const FacePreprocess Preprocess = FacePreprocess.CropSquareResize;

    /// <param name="AverageImage">For a 6-channel arm not initialised from an encoder (the paper's from-scratch baseline
    /// keeps the same architecture): the generator's average image as the extra channels.</param>
    public sealed record Spec(string Arm, double LabelFraction, int Seed, FaceDataset Labeled, string? InitFrom, string? InitKey, bool SixChannels,
        string? AverageImage = null);

    public static object Key(Spec s, ExperimentData data, ExperimentConfig c) => new
    {
        s.Arm, s.LabelFraction, s.Seed, c.LabelMode, labeled = data.LabeledFingerprint, init = s.InitKey, s.SixChannels,
        Recognition = RecognitionOf(s, c),
        c.Network, c.Eval, evalSets = data.EvalSets.Select(e => e.Fingerprint).ToArray(),
    };

    /// <summary>The recognition section as it applies to this arm: its own rate from armLr, its own frozen epochs from
    /// armFreezeBodyEpochs and its own minimum steps from armMinSteps (the tables then left out),
    /// and one without a pretrained body ignores bodyLrScale and transferStages, so its runs (and stage keys) are shared
    /// by configs that differ only in them; the synthetic arm (a whole recognition model as its start) ignores
    /// transferStages.</summary>
    public static RecognitionStageConfig RecognitionOf(Spec s, ExperimentConfig c)
    {
        var arm = BaseArm(s.Arm);
        var r = c.Recognition.WithoutArmTables() with
        {
            Lr = LrOf(arm, c.Recognition), FreezeBodyEpochs = FreezeOf(arm, c.Recognition), MinSteps = MinStepsOf(arm, c.Recognition),
        };
        return s.InitFrom is null ? r with { BodyLrScale = null, TransferStages = null }
            : s.Arm == "synthetic" ? r with { TransferStages = null }
            : r;
    }

    /// <summary>The arm as the config lists it: a sweep point's name without its "@budget".</summary>
    public static string BaseArm(string arm) => arm.Split('@')[0];

    public static double LrOf(string baseArm, RecognitionStageConfig r) => ForArm(r.ArmLr, baseArm, r.Lr);

    public static int FreezeOf(string baseArm, RecognitionStageConfig r) => ForArm(r.ArmFreezeBodyEpochs, baseArm, r.FreezeBodyEpochs);

    public static int MinStepsOf(string baseArm, RecognitionStageConfig r) => ForArm(r.ArmMinSteps, baseArm, r.MinSteps);

    private static T ForArm<T>(IReadOnlyDictionary<string, T>? table, string baseArm, T shared) =>
        table is not null && table.TryGetValue(baseArm, out var value) ? value : shared;

    /// <summary>The seed of everything random in the run but the labeled subset (which <see cref="Spec.Seed"/> chose).</summary>
    public static int TrainSeed(Spec s, ExperimentConfig c) => s.Seed + (c.Recognition.TrainSeedOffset ?? 0);

    public static RecognitionTrainOptions Options(Spec s, ExperimentConfig c, string runDir, int batchesPerEpoch)
    {
        var r = RecognitionOf(s, c);
        var epochs = Math.Max(r.Epochs, (int)Math.Ceiling(r.MinSteps / (double)Math.Max(1, batchesPerEpoch)));
        var freeze = s.InitFrom is null ? 0 : Math.Min(r.FreezeBodyEpochs, epochs - 1);
        var run = new RecognitionTrainOptions
        {
            Backbone = new BackboneOptions
            {
                Name = c.Network.BackboneName, InputSize = c.Network.InputSize, InputChannels = s.SixChannels ? 6 : 3, BaseWidth = c.Network.Width,
            },
            Optimizer = new OptimizerOptions { ClipGradNorm = 5 },
            Seed = TrainSeed(s, c), Threads = c.Threads, RunDir = runDir,
            LogEvery = Math.Max(1, Math.Min(20, batchesPerEpoch)), InitFrom = s.InitFrom, AverageImagePath = s.AverageImage,
            KeepCheckpoints = 1,
        };
        return (r with { Epochs = epochs, FreezeBodyEpochs = freeze }).ApplyTo(run);
    }

    public static RecognitionStageResult Run(Stage stage, Spec s, ExperimentData data, ExperimentConfig c,
        IProgress<ExperimentProgress>? progress, CancellationToken ct, Action<string>? warn = null)
    {
        if (stage.IsDone) return stage.ReadResult<RecognitionStageResult>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var name = $"train:{s.Arm}@{s.LabelFraction:0.###}#{s.Seed}";
        var runDir = stage.PathOf("run");
        var source = Source(s.Labeled, c, TrainSeed(s, c), warn);
        using var owned = source as IDisposable;
        var o = Options(s, c, runDir, source.BatchesPerEpoch);
        var resume = Directory.Exists(runDir) && File.Exists(Path.Combine(runDir, RecognitionCheckpoint.LatestFile));
        var train = new RecognitionTrainer(o, source).Run(resume, new SyncProgress<TrainProgress>(p => progress?.Report(new ExperimentProgress(name,
            $"epoch {p.Epoch + 1}/{p.Epochs} loss {p.Loss:F3} acc {p.Accuracy:P0}", p.GlobalStep / (double)Math.Max(1, p.TotalSteps)))), ct);
        ct.ThrowIfCancellationRequested();

        var results = new List<ArmResult>();
        using (var embedder = new CheckpointEmbedder(runDir))
        {
            foreach (var set in data.EvalSets)
            {
                progress?.Report(new ExperimentProgress(name, $"evaluating on {set.Name}", 1));
                var report = VerificationEvaluator.Evaluate(embedder, set.Pairs, new EvalOptions
                {
                    Extraction = new ExtractionOptions { Preprocess = EvalPreprocess(c), FlipSum = c.Eval.Flip },
                    Metrics = new MetricsOptions { FoldScheme = set.Folds },
                    ModelName = name,
                });
                var roc = stage.PathOf($"roc-{set.Name}.csv");
                WriteRoc(report.Overall.Roc, roc);
                results.Add(new ArmResult(s.Arm, s.LabelFraction, s.Seed, set.Name, Figures(report.Overall),
                    report.Groups.ToDictionary(g => g.Name, g => Figures(g.Metrics)), roc, s.Labeled.IdentityCount, s.Labeled.Count));
            }
        }
        var result = new RecognitionStageResult(runDir, train.GlobalStep, o.Epochs, train.LastLoss, train.LastAccuracy,
            s.Labeled.IdentityCount, s.Labeled.Count, clock.Elapsed.TotalSeconds, results);
        stage.MarkDone(result);
        return result;
    }

    /// <summary>In memory for small sets (decoded once, preprocessed as the evaluation does); streamed through
    /// <see cref="FaceLoader"/> workers otherwise (resize + random crop when <c>resizeTo</c> is set, as the paper).</summary>
    public static ITrainBatchSource Source(FaceDataset ds, ExperimentConfig c, int seed, Action<string>? warn)
    {
        var r = c.Recognition;
        if (r.InMemory)
            return LabeledTensors.Source(ds, c.Network.InputSize, Preprocess, r.BatchSize, seed, warn);
        var size = c.Network.InputSize;
        var transform = r.ResizeTo > 0 ? ImageTransform.Train(size, r.ResizeTo, 0.5) : ImageTransform.Plain(size) with { HorizontalFlip = 0.5 };
        var loader = new FaceLoader(ds, new LoaderOptions(Math.Min(r.BatchSize, ds.Count), Workers: Math.Max(1, c.Workers), Seed: seed), transform);
        return new FaceLoaderBatchSource(loader);
    }

    /// <summary>Test-time preprocessing matching the training pipeline: the paper's resize + centre crop when training
    /// used resize + random crop, else the in-memory pipeline's square crop + resize.</summary>
    public static FacePreprocess EvalPreprocess(ExperimentConfig c) =>
        !c.Recognition.InMemory && c.Recognition.ResizeTo > 0 ? FacePreprocess.ResizeCenterCrop : Preprocess;

    public static VerificationFigures Figures(VerificationMetrics m)
    {
        double? Tar(double far) => m.TarAtFar.FirstOrDefault(t => Math.Abs(t.TargetFar - far) < far * 1e-3)?.Tar;
        return new VerificationFigures(m.KFold.Mean, m.KFold.Std, Tar(1e-2), Tar(1e-3), m.Auc, double.IsFinite(m.Eer) ? m.Eer : null, m.Pairs);
    }

    /// <summary>The ROC as "far,tar" lines, for the report's plots.</summary>
    private static void WriteRoc(RocCurve roc, string path)
    {
        var sb = new System.Text.StringBuilder("far,tar\n");
        var step = Math.Max(1, roc.Points.Count / 400);
        for (var i = 0; i < roc.Points.Count; i++)
            if (i % step == 0 || i == roc.Points.Count - 1)
                sb.Append(System.FormattableString.Invariant($"{roc.Points[i].Far:G6},{roc.Points[i].Tar:G6}\n"));
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
