using FaceBoost.Nets;
using FaceBoost.Training;
using static TorchSharp.torch;

namespace FaceBoost.Experiments;

public sealed record EncoderStageResult(string Checkpoint, int Steps, double? FirstL2, double? LastL2, double? LastPerceptual,
    string? ReconstructionGrid, string AverageImage, int Images, double Seconds);

/// <summary>Stage 2: the pSp encoder (IR-SE body, image ⊕ average image) inverting the frozen generator of one pool,
/// trained on that pool's images with L2 + perceptual loss only — no identity supervision. The autoencoder ablation
/// is the same stage with a <see cref="LearnedDecoder"/> (the generator's synthesis network, random, trained jointly)
/// in place of the frozen generator, and the pool's mean image as the average image: same encoder, losses, pool and
/// steps, so the difference between the two arms is what the adversarially trained generator brings.</summary>
public static class EncoderStage
{
    public const string AutoencoderArm = "autoencoder";

    /// <param name="seed">The pretraining draw's seed (<see cref="ExperimentConfig.PretrainSeed"/>).</param>
    public static object Key(string ganPoint, ResolvedPool pool, ExperimentConfig c, int seed) =>
        new { gan = ganPoint, pool = pool.Fingerprint, c.Encoder, c.Network, seed };

    public static object AutoencoderKey(ResolvedPool pool, ExperimentConfig c, int seed) =>
        new { arm = AutoencoderArm, pool = pool.Fingerprint, Encoder = c.Encoder with { InversionNoise = null }, c.Network, decoder = GanStage.GeneratorOptionsOf(c), seed };

    public static EncoderStageResult Run(Stage stage, GanStageResult gan, ResolvedPool pool, ExperimentConfig c, int seed,
        IProgress<ExperimentProgress>? progress, CancellationToken ct)
    {
        if (stage.IsDone) return stage.ReadResult<EncoderStageResult>();
        return Train(stage, gan.Checkpoint, _ => GanCheckpoint.LoadFrozen(gan.Checkpoint, c.Encoder.InversionNoiseMode), pool, c, seed, $"encoder:{pool.Name}", progress, ct);
    }

    public static EncoderStageResult RunAutoencoder(Stage stage, ResolvedPool pool, ExperimentConfig c, int seed,
        IProgress<ExperimentProgress>? progress, CancellationToken ct)
    {
        if (stage.IsDone) return stage.ReadResult<EncoderStageResult>();
        return Train(stage, null, faces =>
        {
            manual_seed(seed);
            using var mean = faces.Images.mean([0L], keepdim: true);
            return new LearnedDecoder(GanStage.GeneratorOptionsOf(c), mean);
        }, pool, c, seed, $"{AutoencoderArm}:{pool.Name}", progress, ct);
    }

    private static EncoderStageResult Train(Stage stage, string? generatorCheckpoint, Func<FaceTensorSet, ILatentGenerator> generatorFor,
        ResolvedPool pool, ExperimentConfig c, int seed, string name, IProgress<ExperimentProgress>? progress, CancellationToken ct)
    {
        var e = c.Encoder;
        var n = c.Network;
        var options = new EncoderTrainOptions(generatorCheckpoint, null, stage.Dir, e, n.InputSize, NumLayers: n.Depth, Mode: n.Mode, Width: n.Width,
            GridEvery: Math.Max(1, e.Steps / 4), CheckpointEvery: Math.Max(1, e.Steps / 4), LogEvery: Math.Max(1, Math.Min(10, e.Steps / 20)),
            Seed: seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var faces = FaceTensorSet.FromFiles(pool.Files, n.InputSize);
        var generator = generatorFor(faces);
        try
        {
            var trainer = new EncoderTrainer(options, generator, epoch => faces.Epoch(epoch, e.BatchSize, options.Seed));
            var run = trainer.Run(new SyncProgress<EncoderStepStats>(s => progress?.Report(new ExperimentProgress(name,
                $"step {s.Step}/{e.Steps} l2 {s.L2:F4} perceptual {s.Perceptual:F4}", s.Step / (double)e.Steps))), ct);
            ct.ThrowIfCancellationRequested();
            if (run.StoppedOnNaN)
                throw new InvalidOperationException($"{name} stopped on a non-finite loss at step {run.Steps + 1}; last good checkpoint kept in {stage.Dir}");
            var all = ReadStats(Path.Combine(stage.Dir, "stats.jsonl"));
            var grid = Directory.EnumerateFiles(Path.Combine(stage.Dir, "grids"), "*.png").Order(StringComparer.Ordinal).LastOrDefault();
            var result = new EncoderStageResult(run.Checkpoint, run.Steps, all.FirstOrDefault()?.L2, all.LastOrDefault()?.L2, all.LastOrDefault()?.Perceptual,
                grid, Path.Combine(stage.Dir, "average.png"), (int)faces.Count, clock.Elapsed.TotalSeconds);
            stage.MarkDone(result);
            return result;
        }
        finally { (generator as IDisposable)?.Dispose(); }
    }

    private sealed record StatLine(double L2, double Perceptual);

    private static List<StatLine> ReadStats(string path)
    {
        var list = new List<StatLine>();
        if (!File.Exists(path)) return list;
        foreach (var line in File.ReadLines(path))
            if (System.Text.Json.Nodes.JsonNode.Parse(line) is System.Text.Json.Nodes.JsonObject o && o["l2"] is { } l2 && o["perceptual"] is { } p)
                list.Add(new StatLine(l2.GetValue<double>(), p.GetValue<double>()));
        return list;
    }
}
