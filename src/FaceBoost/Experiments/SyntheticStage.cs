using FaceBoost.Data;
using FaceBoost.Imaging;
using FaceBoost.Synthesis;
using FaceBoost.Training;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Experiments;

public sealed record SyntheticStageResult(string Folder, int Identities, int Images, string Grid, string PretrainRun,
    double PretrainLoss, double PretrainAccuracy, double Seconds);

/// <summary>The synthetic-identity baseline: identities sampled from the generator (an identity = a latent; its
/// images keep the coarse styles and resample the fine ones and the noise), and a recognition model pretrained on
/// them, whose backbone the "synthetic" arm then fine-tunes on the real labels.</summary>
public static class SyntheticStage
{
    /// <param name="seed">The pretraining draw's seed (<see cref="ExperimentConfig.PretrainSeed"/>).</param>
    public static object Key(string ganPoint, ExperimentConfig c, int seed) =>
        new { gan = ganPoint, c.Synthetic, c.Network, Recognition = c.Recognition.WithoutArmTables(), seed };

    public static SyntheticStageResult Run(Stage stage, GanStageResult gan, ExperimentConfig c, int seed, IProgress<ExperimentProgress>? progress, CancellationToken ct)
    {
        if (stage.IsDone) return stage.ReadResult<SyntheticStageResult>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sc = c.Synthetic;
        var folder = stage.PathOf("identities");
        var o = new SyntheticIdentityOptions(sc.Identities, sc.ImagesPerIdentity, (float)sc.Truncation, sc.CoarseLayers, seed);
        var total = o.Identities * o.ImagesPerIdentity;
        using (var g = GanCheckpoint.LoadGenerator(gan.Checkpoint))
        {
            var coarse = Math.Min(o.CoarseLayers, g.NumWs - 1);
            SyntheticIdentities.Generate(g, folder, o with { CoarseLayers = coarse },
                new SyncProgress<int>(n => progress?.Report(new ExperimentProgress("synth", $"{n}/{total} images", n / (double)total))));
        }
        ct.ThrowIfCancellationRequested();
        var grid = stage.PathOf("identities.png");
        SaveGrid(folder, grid, rows: Math.Min(8, o.Identities), columns: Math.Min(8, o.ImagesPerIdentity));

        // Pretraining on the synthetic identities: same backbone as the real arms, 3-channel input.
        var ds = FaceDataset.FromFolder(folder, "synthetic");
        var spec = new RecognitionStage.Spec("synthetic-pretrain", 1, seed, ds, null, null, SixChannels: false);
        var runDir = stage.PathOf("pretrain");
        var source = RecognitionStage.Source(ds, c, spec.Seed, null);
        using var owned = source as IDisposable;
        var opts = RecognitionStage.Options(spec, c with { Recognition = c.Recognition with { Epochs = sc.PretrainEpochs, MinSteps = 0 } },
            runDir, source.BatchesPerEpoch);
        var resume = File.Exists(Path.Combine(runDir, RecognitionCheckpoint.LatestFile));
        var r = new RecognitionTrainer(opts, source).Run(resume, new SyncProgress<TrainProgress>(p => progress?.Report(new ExperimentProgress(
            "synth-pretrain", $"epoch {p.Epoch + 1}/{p.Epochs} loss {p.Loss:F3} acc {p.Accuracy:P0}", p.GlobalStep / (double)Math.Max(1, p.TotalSteps)))), ct);
        ct.ThrowIfCancellationRequested();
        var result = new SyntheticStageResult(folder, ds.IdentityCount, ds.Count, grid, runDir, r.LastLoss, r.LastAccuracy, clock.Elapsed.TotalSeconds);
        stage.MarkDone(result);
        return result;
    }

    /// <summary>One row per identity, its images along the row.</summary>
    public static void SaveGrid(string folder, string png, int rows, int columns)
    {
        var images = new List<RgbImage>();
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal).Take(rows))
            images.AddRange(Directory.GetFiles(dir, "*.png").Order(StringComparer.Ordinal).Take(columns).Select(ImageDecoder.Decode));
        ImageWriter.Save(ImageGrid.Compose(images, columns), png);
    }
}
