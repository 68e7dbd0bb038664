using System.Diagnostics;
using System.Text.Json;
using FaceBoost.Losses;
using FaceBoost.Nets;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Result of an encoder run.</summary>
public sealed record EncoderRunResult(string Checkpoint, int Steps, bool StoppedOnNaN, IReadOnlyList<EncoderStepStats> Stats);

/// <summary>Stage 2: trains a pSp encoder to invert a frozen generator on unlabeled faces (L2 +
/// perceptual + w-norm, no identity term). Resumes from the run folder's checkpoint; a non-finite
/// loss stops the run keeping the last good checkpoint.</summary>
public sealed class EncoderTrainer
{
    public const string CheckpointName = "checkpoint.fbenc";

    private readonly EncoderTrainOptions _o;
    private readonly ILatentGenerator _generator;
    private readonly Func<int, IEnumerable<Tensor>> _epochs;

    /// <param name="epochs">Batches of N×3×R×R images in [-1, 1] for a given epoch index.</param>
    public EncoderTrainer(EncoderTrainOptions options, ILatentGenerator generator, Func<int, IEnumerable<Tensor>> epochs)
    {
        options.Validate();
        _o = options; _generator = generator; _epochs = epochs;
    }

    public EncoderRunResult Run(IProgress<EncoderStepStats>? progress = null, CancellationToken cancel = default)
    {
        var o = _o;
        Directory.CreateDirectory(o.RunDir);
        Directory.CreateDirectory(Path.Combine(o.RunDir, "grids"));
        File.WriteAllText(Path.Combine(o.RunDir, "options.json"), JsonSerializer.Serialize(o, EncoderCheckpoint.Json));
        var ckptPath = Path.Combine(o.RunDir, CheckpointName);

        // The generator is frozen: eval, no gradients into it (only through it, to the encoder).
        var meanW = _generator.MeanW.detach();
        var average = GeneratorInversion.AverageImage(_generator, o.Resolution);
        ImageWriterExtensions.SaveTensor(average, Path.Combine(o.RunDir, "average.png"));

        manual_seed(o.Seed);
        PspEncoder encoder;
        int step = 0, epoch = 0;
        IReadOnlyDictionary<string, Tensor>? optimizerState = null;
        if (o.Resume && File.Exists(ckptPath))
        {
            using var ck = EncoderCheckpoint.Load(ckptPath);
            var expected = o.EncoderFor(_generator.NumWs, _generator.WDim);
            if (ck.Info.Encoder != expected)
                throw new InvalidOperationException($"{ckptPath} was trained with encoder {ck.Info.Encoder}, but this run asks for {expected}; use a new run folder");
            encoder = ck.CreateEncoder();
            step = ck.Info.Step; epoch = ck.Info.Epoch;
            optimizerState = ck.OptimizerState?.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope());
        }
        else
        {
            encoder = new PspEncoder(o.EncoderFor(_generator.NumWs, _generator.WDim));
        }
        encoder.train();
        using StatefulOptimizer optimizer = o.Optimizer == "adam"
            ? new AdamOptimizer(encoder.parameters(), o.LearningRate)
            : new RangerOptimizer(encoder.parameters(), o.LearningRate);
        if (optimizerState is not null) optimizer.ImportState(optimizerState);

        using var lpips = o.LpipsWeights is { Length: > 0 } ? LpipsAlex.Load(o.LpipsWeights) : null;
        using var loss = new ReconstructionLoss(o.Weights, lpips);
        var statsPath = Path.Combine(o.RunDir, "stats.jsonl");
        var stats = new List<EncoderStepStats>();
        var nan = false;
        var clock = Stopwatch.StartNew();
        var imagesSinceLog = 0;

        void Checkpoint(int atStep, int atEpoch) => EncoderCheckpoint.Save(ckptPath,
            new EncoderCheckpointInfo(encoder.Options, atStep, atEpoch, o.Iterations, o.GeneratorCheckpoint, loss.PerceptualKind),
            encoder, average, meanW, optimizer.ExportState());

        while (step < o.Steps && !nan && !cancel.IsCancellationRequested)
        {
            var any = false;
            foreach (var batch in _epochs(epoch))
            {
                any = true;
                if (step >= o.Steps || cancel.IsCancellationRequested) break;
                using var scope = NewDisposeScope();
                if (batch.dim() != 4 || batch.shape[1] != 3 || batch.shape[2] != o.Resolution || batch.shape[3] != o.Resolution)
                    throw new ArgumentException($"training batch must be N×3×{o.Resolution}×{o.Resolution}, got [{string.Join(",", batch.shape)}]");
                optimizer.ZeroGrad();
                var (ws, recon) = GeneratorInversion.Invert(encoder, _generator, batch, average, o.Iterations);
                var (total, terms) = loss.Compute(recon, batch, ws, meanW);
                if (!double.IsFinite(terms.Total))
                {
                    nan = true;
                    File.AppendAllText(statsPath, JsonSerializer.Serialize(new { step = step + 1, error = "non-finite loss; stopped, last good checkpoint kept" }) + "\n");
                    break;
                }
                total.backward();
                optimizer.Step();
                step++;
                imagesSinceLog += (int)batch.shape[0];
                if (step % o.LogEvery == 0 || step == o.Steps)
                {
                    var ips = imagesSinceLog / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    var s = new EncoderStepStats(step, epoch, terms.L2, terms.Perceptual, terms.WNorm, terms.Total, ips);
                    stats.Add(s);
                    File.AppendAllText(statsPath, JsonSerializer.Serialize(s, StatsJson) + "\n");
                    progress?.Report(s);
                    clock.Restart();
                    imagesSinceLog = 0;
                }
                if (step % o.GridEvery == 0 || step == o.Steps)
                    ReconstructionGrid.Save(batch, average, recon.detach(), Path.Combine(o.RunDir, "grids", $"step{step:D6}.png"));
                if (step % o.CheckpointEvery == 0 || step == o.Steps)
                    Checkpoint(step, epoch);
            }
            if (!any) throw new InvalidOperationException("the training data yielded no batch (fewer images than the batch size?)");
            if (!nan && step < o.Steps) epoch++;
        }
        if (!nan && !File.Exists(ckptPath)) Checkpoint(step, epoch);
        encoder.Dispose();
        return new EncoderRunResult(ckptPath, step, nan, stats);
    }

    private static readonly JsonSerializerOptions StatsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

internal static class ImageWriterExtensions
{
    public static void SaveTensor(Tensor image, string path) => Imaging.ImageWriter.Save(TensorImages.ToImage(image), path);
}
