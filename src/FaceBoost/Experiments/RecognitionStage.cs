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

    public sealed record Spec(string Arm, double LabelFraction, int Seed, FaceDataset Labeled, string? InitFrom, string? InitKey, bool SixChannels);

    public static object Key(Spec s, ExperimentData data, ExperimentConfig c) => new
    {
        s.Arm, s.LabelFraction, s.Seed, c.LabelMode, labeled = data.LabeledFingerprint, init = s.InitKey, s.SixChannels,
        c.Recognition, c.Network, c.Eval, evalSets = data.EvalSets.Select(e => e.Fingerprint).ToArray(),
    };

    public static RecognitionTrainOptions Options(Spec s, ExperimentConfig c, string runDir, int batchesPerEpoch)
    {
        var r = c.Recognition;
        var epochs = Math.Max(r.Epochs, (int)Math.Ceiling(r.MinSteps / (double)Math.Max(1, batchesPerEpoch)));
        var freeze = s.InitFrom is null ? 0 : Math.Min(r.FreezeBodyEpochs, epochs - 1);
        return new RecognitionTrainOptions
        {
            Backbone = new BackboneOptions
            {
                Name = c.Network.BackboneName, InputSize = c.Network.InputSize, InputChannels = s.SixChannels ? 6 : 3,
                EmbeddingSize = r.EmbeddingSize, BaseWidth = c.Network.Width, Dropout = r.Dropout,
            },
            Head = new HeadOptions { Loss = r.Loss, Scale = r.Scale, Margin = r.Margin, FocalGamma = r.FocalGamma },
            Optimizer = new OptimizerOptions { Kind = r.Optimizer, LearningRate = r.Lr, WeightDecay = r.WeightDecay, ClipGradNorm = 5 },
            Schedule = new ScheduleOptions { Kind = "cosine", WarmupEpochs = Math.Min(1, epochs / 10.0) },
            Epochs = epochs, BatchSize = r.BatchSize, Seed = s.Seed, Threads = c.Threads, RunDir = runDir,
            LogEvery = Math.Max(1, Math.Min(20, batchesPerEpoch)), FreezeBodyEpochs = freeze, InitFrom = s.InitFrom,
            KeepCheckpoints = 1,
        };
    }

    public static RecognitionStageResult Run(Stage stage, Spec s, ExperimentData data, ExperimentConfig c,
        IProgress<ExperimentProgress>? progress, CancellationToken ct, Action<string>? warn = null)
    {
        if (stage.IsDone) return stage.ReadResult<RecognitionStageResult>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var name = $"train:{s.Arm}@{s.LabelFraction:0.###}#{s.Seed}";
        var runDir = stage.PathOf("run");
        using var source = LabeledTensors.Source(s.Labeled, c.Network.InputSize, Preprocess, c.Recognition.BatchSize, s.Seed, warn);
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
                    Extraction = new ExtractionOptions { Preprocess = Preprocess, FlipSum = c.Eval.Flip },
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

    public static VerificationFigures Figures(VerificationMetrics m)
    {
        double Tar(double far) => m.TarAtFar.FirstOrDefault(t => Math.Abs(t.TargetFar - far) < far * 1e-3)?.Tar ?? double.NaN;
        return new VerificationFigures(m.KFold.Mean, m.KFold.Std, Tar(1e-2), Tar(1e-3), m.Auc, m.Eer, m.Pairs);
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
