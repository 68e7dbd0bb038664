using System.Text.Json.Nodes;
using FaceBoost.Synthesis;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Experiments;

public sealed record GanStageResult(string Checkpoint, double Kimg, double? FrechetStart, double? FrechetEnd, string? SampleGrid, int Images, double Seconds);

/// <summary>Stage 1: StyleGAN2-ADA on one unlabeled pool (resumes from the stage folder's checkpoint).</summary>
public static class GanStage
{
    public static object Key(ResolvedPool pool, ExperimentConfig c) =>
        new { pool = pool.Fingerprint, pool.Files.Count, c.Gan, seed = c.Labeled.SplitSeed };

    public static GanStageResult Run(Stage stage, ResolvedPool pool, ExperimentConfig c, IProgress<ExperimentProgress>? progress, CancellationToken ct)
    {
        if (stage.IsDone) return stage.ReadResult<GanStageResult>();
        var g = c.Gan;
        var resolution = g.Resolution;
        var gOpts = new GeneratorOptions(resolution, g.ZDim, g.WDim, g.MappingLayers, g.ChannelBase, g.ChannelMax);
        var options = new GanTrainOptions(stage.Dir, gOpts, g.Batch, g.Kimg, (float)g.LrG, (float)g.LrD,
            R1Gamma: g.R1Gamma, PlWeight: g.PlWeight, AdaTarget: g.AdaTarget,
            SnapshotKimg: Math.Max(g.Kimg / 4, 0.5), SampleKimg: Math.Max(g.Kimg / 4, 0.5), LogKimg: Math.Max(g.Kimg / 40, 0.1),
            FdImages: Math.Min(500, pool.Files.Count), Seed: c.Labeled.SplitSeed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var faces = FaceImageSet.Load(pool.Files, resolution, options.Seed);
        var fd = new FrechetEvaluator(FeatureExtractors.RandomConv(), faces.Head(options.FdImages), "random-conv", options.FdImages);
        using var trainer = new GanTrainer(options, faces, fd);
        trainer.TryResume();
        var name = $"gan:{pool.Name}";
        trainer.Run(new SyncProgress<GanProgress>(p => progress?.Report(new ExperimentProgress(name,
            $"kimg {p.Kimg:F2}/{p.TotalKimg:F1} G {p.LossG:F2} D {p.LossD:F2} p {p.AdaP:F2}" + (p.FrechetDistance is { } f ? $" FD {f:F1}" : ""),
            p.Kimg / p.TotalKimg))), ct);
        ct.ThrowIfCancellationRequested();
        var (fd0, fd1) = ReadFrechet(trainer.StatsPath);
        var grid = Directory.EnumerateFiles(stage.Dir, "samples-*.png").Order(StringComparer.Ordinal).LastOrDefault();
        var result = new GanStageResult(trainer.CheckpointPath, trainer.State.ImagesShown / 1000.0, fd0 ?? trainer.State.InitialFrechetDistance, fd1,
            grid, faces.Count, clock.Elapsed.TotalSeconds);
        stage.MarkDone(result);
        return result;
    }

    private static (double? First, double? Last) ReadFrechet(string statsPath)
    {
        double? first = null, last = null;
        if (!File.Exists(statsPath)) return (null, null);
        foreach (var line in File.ReadLines(statsPath))
        {
            if (JsonNode.Parse(line) is not JsonObject o || o["fd"] is not JsonValue v || !v.TryGetValue<double>(out var fd)) continue;
            first ??= fd;
            last = fd;
        }
        return (first, last);
    }
}
