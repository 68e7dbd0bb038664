using System.Text.Json;
using System.Text.Json.Nodes;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Experiments;

public sealed record GanStageResult(string Checkpoint, double Kimg, double? FrechetStart, double? FrechetEnd, string? SampleGrid, int Images, double Seconds);

/// <summary>Stage 1: StyleGAN2-ADA on one unlabeled pool. The kimg budget is not part of the stage key: one run per
/// pool and generator settings serves every budget point asked of it (in ascending order), each point a snapshot of
/// the same run — G at 10 kimg is the 40 kimg run's state at 10 kimg, as stylegan2-ada's snapshots are. A point is
/// kept as its own checkpoint copy and result file, so asking for it again reuses it; the run resumes from its
/// newest checkpoint to reach a larger budget. <see cref="GanStageResult.Seconds"/> is the run's training time up
/// to that point.</summary>
public static class GanStage
{
    /// <param name="seed">The pretraining draw's seed (<see cref="ExperimentConfig.PretrainSeed"/>).</param>
    public static object Key(ResolvedPool pool, ExperimentConfig c, int seed) =>
        new { pool = pool.Fingerprint, pool.Files.Count, gan = c.Gan with { Kimg = 0 }, seed, series = 1 };

    /// <summary>The generator architecture the config asks for (the autoencoder ablation's decoder uses the same).</summary>
    public static GeneratorOptions GeneratorOptionsOf(ExperimentConfig c) => c.Gan.Generator();

    public static string KimgTag(double kimg) => "k" + kimg.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The result file of one budget point; it exists once the point is trained.</summary>
    public static string PointFile(Stage stage, double kimg) => stage.PathOf($"point-{KimgTag(kimg)}.json");

    /// <param name="kimg">The budget point wanted.</param>
    /// <param name="cadenceKimg">The largest point of the series: snapshot, sample and log cadence follow it, so a point's
    /// weights do not depend on which smaller points were asked for.</param>
    public static GanStageResult Run(Stage stage, ResolvedPool pool, ExperimentConfig c, int seed, double kimg, double cadenceKimg,
        IProgress<ExperimentProgress>? progress, CancellationToken ct)
    {
        var tag = KimgTag(kimg);
        var pointFile = PointFile(stage, kimg);
        if (File.Exists(pointFile))
            return JsonSerializer.Deserialize<GanStageResult>(File.ReadAllText(pointFile), JsonConfig.Options)
                   ?? throw new InvalidDataException($"{pointFile}: empty stage result");
        var g = c.Gan;
        var resolution = g.Resolution;
        var options = new GanTrainOptions(stage.Dir, g with { Kimg = kimg },
            SnapshotKimg: Math.Max(cadenceKimg / 4, 0.5), SampleKimg: Math.Max(cadenceKimg / 4, 0.5), LogKimg: Math.Max(cadenceKimg / 40, 0.1),
            FdImages: Math.Min(500, pool.Files.Count), Seed: seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var faces = FaceImageSet.Load(pool.Files, resolution, options.Seed);
        var fd = new FrechetEvaluator(FeatureExtractors.RandomConv(), faces.Head(options.FdImages), "random-conv", options.FdImages);
        using var trainer = new GanTrainer(options, faces, fd);
        trainer.TryResume();
        if (trainer.State.ImagesShown > kimg * 1000 + g.BatchSize)
            throw new InvalidOperationException($"the GAN run in {stage.Dir} is already at {trainer.State.ImagesShown / 1000.0:0.##} kimg and kept no " +
                                                $"snapshot at {kimg} kimg; list budgets in ascending order, or delete that folder to retrain");
        var name = $"gan:{pool.Name}";
        trainer.Run(new SyncProgress<GanProgress>(p => progress?.Report(new ExperimentProgress(name,
            $"kimg {p.Kimg:F2}/{p.TotalKimg:F1} G {p.LossG:F2} D {p.LossD:F2} p {p.AdaP:F2}" + (p.FrechetDistance is { } f ? $" FD {f:F1}" : ""),
            p.Kimg / p.TotalKimg))), ct);
        ct.ThrowIfCancellationRequested();
        var (fd0, fd1) = ReadFrechet(trainer.StatsPath);
        var grid = Directory.EnumerateFiles(stage.Dir, "samples-*.png").Order(StringComparer.Ordinal).LastOrDefault();
        var snapshot = stage.PathOf($"G-{tag}{CheckpointFile.Extension}");
        AtomicFile.WriteVia(snapshot, tmp => File.Copy(trainer.CheckpointPath, tmp, overwrite: true));
        var before = Directory.EnumerateFiles(stage.Dir, "point-k*.json")
            .Select(f => JsonSerializer.Deserialize<GanStageResult>(File.ReadAllText(f), JsonConfig.Options))
            .Where(r => r is not null && r.Kimg < kimg).Select(r => r!.Seconds).DefaultIfEmpty(0).Max();
        var result = new GanStageResult(snapshot, trainer.State.ImagesShown / 1000.0, fd0 ?? trainer.State.InitialFrechetDistance, fd1,
            grid, faces.Count, before + clock.Elapsed.TotalSeconds);
        AtomicFile.WriteAllText(pointFile, JsonSerializer.Serialize(result, JsonConfig.Options));
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
