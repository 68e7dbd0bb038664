using System.Diagnostics;
using System.Text.Json;
using FaceBoost.Distributed;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Result of an encoder run.</summary>
public sealed record EncoderRunResult(string Checkpoint, int Steps, bool StoppedOnNaN, IReadOnlyList<EncoderStepStats> Stats);

/// <summary>Stage 2: trains a pSp encoder to invert a frozen generator on unlabeled faces (L2 +
/// perceptual + w-norm, no identity term). Resumes from the run folder's checkpoint; a non-finite
/// loss stops the run keeping the last good checkpoint. Data-parallel over an <see cref="ICommunicator"/>: each
/// global batch from the epoch source is split over the ranks, gradients are averaged, rank 0 alone writes.</summary>
public sealed class EncoderTrainer
{
    public const string CheckpointName = "checkpoint.fbenc";

    private readonly EncoderTrainOptions _o;
    private readonly ILatentGenerator _generator;
    private readonly Func<int, IEnumerable<Tensor>> _epochs;
    private readonly ICommunicator _comm;

    /// <param name="epochs">Global batches of N×3×R×R images in [-1, 1] for a given epoch index (the same on every rank).</param>
    /// <param name="communicator">Peers to train with (the caller owns it); null = a single process.</param>
    public EncoderTrainer(EncoderTrainOptions options, ILatentGenerator generator, Func<int, IEnumerable<Tensor>> epochs,
        ICommunicator? communicator = null)
    {
        options.Validate();
        _comm = communicator ?? LocalCommunicator.Instance;
        options.ValidateParallel(_comm.WorldSize);
        _o = options; _generator = generator; _epochs = epochs;
    }

    public EncoderRunResult Run(IProgress<EncoderStepStats>? progress = null, CancellationToken cancel = default)
    {
        var o = _o;
        var root = _comm.IsRoot;
        int world = _comm.WorldSize, rank = _comm.Rank;
        var reducer = new GradientAllReducer(_comm);
        if (root)
        {
            Directory.CreateDirectory(o.RunDir);
            Directory.CreateDirectory(Path.Combine(o.RunDir, "grids"));
            File.WriteAllText(Path.Combine(o.RunDir, "options.json"), JsonSerializer.Serialize(o, EncoderCheckpoint.Json));
        }
        _comm.Barrier(); // every rank sees the folder and, on resume, the same checkpoint
        var ckptPath = Path.Combine(o.RunDir, CheckpointName);

        // The generator is frozen: eval, no gradients into it (only through it, to the encoder).
        var meanW = _generator.MeanW.detach();
        var average = GeneratorInversion.AverageImage(_generator, o.Resolution);
        if (root) ImageWriterExtensions.SaveTensor(average, Path.Combine(o.RunDir, "average.png"));

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
        reducer.BroadcastFromRoot(encoder); // same seed gives the same weights already; this makes it a guarantee
        using StatefulOptimizer optimizer = o.Optimizer == "adam"
            ? new AdamOptimizer(encoder.parameters(), o.LearningRate)
            : new RangerOptimizer(encoder.parameters(), o.LearningRate);
        if (optimizerState is not null) optimizer.ImportState(optimizerState);

        using var lpips = o.LpipsWeights is { Length: > 0 } ? LpipsAlex.Load(o.LpipsWeights) : null;
        using var loss = new ReconstructionLoss(o.Weights, lpips);
        var statsPath = Path.Combine(o.RunDir, "stats.jsonl");
        if (root && step > 0) StatsLog.DropAfter(statsPath, "step", step);
        var stats = new List<EncoderStepStats>();
        var nan = false;
        var clock = Stopwatch.StartNew();
        var imagesSinceLog = 0;

        var savedAt = -1;
        void Checkpoint(int atStep, int atEpoch)
        {
            savedAt = atStep;
            ReplicaConsistency.Check(_comm, encoder, "encoder");
            if (!root) return;
            EncoderCheckpoint.Save(ckptPath,
                new EncoderCheckpointInfo(encoder.Options, atStep, atEpoch, o.Iterations, o.GeneratorCheckpoint, loss.PerceptualKind),
                encoder, average, meanW, optimizer.ExportState());
        }

        while (step < o.Steps && !nan && !cancel.IsCancellationRequested)
        {
            var any = false;
            foreach (var global in _epochs(epoch))
            {
                any = true;
                if (step >= o.Steps || cancel.IsCancellationRequested) break;
                using var scope = NewDisposeScope();
                if (global.dim() != 4 || global.shape[1] != 3 || global.shape[2] != o.Resolution || global.shape[3] != o.Resolution)
                    throw new ArgumentException($"training batch must be N×3×{o.Resolution}×{o.Resolution}, got [{string.Join(",", global.shape)}]");
                var n = global.shape[0];
                if (n % (world * o.MicroBatches) != 0)
                    throw new ArgumentException($"a batch of {n} images does not split over {world} ranks × {o.MicroBatches} micro-batches (fewer images than the batch size?)");
                var per = n / world;
                var batch = world == 1 ? global : global.narrow(0, rank * per, per);
                optimizer.ZeroGrad();
                // Micro-batches: each chunk's mean loss scaled by 1/chunks, so the accumulated gradient is the batch mean's.
                int chunks = o.MicroBatches;
                var m = per / chunks;
                var terms = new double[4];
                var recons = new List<Tensor>(chunks);
                for (var c = 0; c < chunks; c++)
                {
                    var x = chunks == 1 ? batch : batch.narrow(0, c * m, m);
                    var (ws, recon) = GeneratorInversion.Invert(encoder, _generator, x, average, o.Iterations);
                    var (total, t) = loss.Compute(recon, x, ws, meanW);
                    terms[0] += t.L2 / chunks; terms[1] += t.Perceptual / chunks; terms[2] += t.WNorm / chunks; terms[3] += t.Total / chunks;
                    if (double.IsFinite(t.Total))
            {
                using var chunkCount = chunks.ToScalar();
                (chunks == 1 ? total : total.div(chunkCount)).backward();
            }
                    recons.Add(recon.detach());
                }
                if (world > 1)
                {
                    // Averaged over ranks: the logged figures are the global batch's, and a NaN on any rank stops all.
                    _comm.AllReduceSum(terms);
                    for (var i = 0; i < terms.Length; i++) terms[i] /= world;
                }
                if (!double.IsFinite(terms[3]))
                {
                    nan = true;
                    if (root) File.AppendAllText(statsPath, JsonSerializer.Serialize(new { step = step + 1, error = "non-finite loss; stopped, last good checkpoint kept" }) + "\n");
                    break;
                }
                reducer.AverageGradients(encoder.parameters());
                optimizer.Step();
                step++;
                imagesSinceLog += (int)n;
                if (step % o.LogEvery == 0 || step == o.Steps)
                {
                    var ips = imagesSinceLog / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    var s = new EncoderStepStats(step, epoch, terms[0], terms[1], terms[2], terms[3], ips);
                    stats.Add(s);
                    if (root) File.AppendAllText(statsPath, JsonSerializer.Serialize(s, StatsJson) + "\n");
                    progress?.Report(s);
                    clock.Restart();
                    imagesSinceLog = 0;
                }
                if (root && (step % o.GridEvery == 0 || step == o.Steps))
                    ReconstructionGrid.Save(batch, average, chunks == 1 ? recons[0] : cat(recons, 0), Path.Combine(o.RunDir, "grids", $"step{step:D6}.png"));
                if (step % o.CheckpointEvery == 0 || step == o.Steps)
                    Checkpoint(step, epoch);
            }
            if (!any) throw new InvalidOperationException("the training data yielded no batch (fewer images than the batch size?)");
            if (!nan && step < o.Steps) epoch++;
        }
        // Decided from the step count, not File.Exists: every rank must agree (the save includes a collective check).
        if (!nan && savedAt != step) Checkpoint(step, epoch);
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
