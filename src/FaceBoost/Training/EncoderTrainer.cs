using System.Text.Json;
using System.Text.Json.Nodes;
using FaceBoost.Distributed;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Result of an encoder run.</summary>
public sealed record EncoderRunResult(string Checkpoint, int Steps, bool StoppedOnNaN, IReadOnlyList<EncoderStepStats> Stats);

/// <summary>Stage 2: trains a pSp encoder to invert a frozen generator on unlabeled faces (L2 + perceptual + w-norm,
/// no identity term), on the <see cref="TrainingRun"/> spine. Given a <see cref="LearnedDecoder"/> instead, the
/// decoder trains with the encoder (the paper's autoencoder ablation) and travels in the checkpoint. Resume is exact: the data order is a function of
/// (seed, epoch), the checkpoint records the next batch, and the optimizer state travels with the weights. A
/// non-finite loss stops the run keeping the last good checkpoint. Data-parallel: each global batch is split over the
/// ranks, gradients are averaged, rank 0 alone writes.</summary>
public sealed class EncoderTrainer
{
    private readonly EncoderTrainOptions _o;
    private readonly ILatentGenerator _generator;
    private readonly Func<int, IEnumerable<Tensor>> _epochs;
    private readonly ICommunicator _comm;

    /// <param name="epochs">Global batches of N×3×R×R images in [-1, 1] for a given epoch index (the same on every rank,
    /// the same every time it is asked).</param>
    /// <param name="communicator">Peers to train with (the caller owns it); null = a single process.</param>
    public EncoderTrainer(EncoderTrainOptions options, ILatentGenerator generator, Func<int, IEnumerable<Tensor>> epochs,
        ICommunicator? communicator = null)
    {
        options.Validate();
        _comm = communicator ?? LocalCommunicator.Instance;
        options.ValidateParallel(_comm.WorldSize);
        _o = options; _generator = generator; _epochs = epochs;
    }

    /// <summary>Rank 0's notes (resume, fallback to an older checkpoint).</summary>
    public Action<string>? Say { get; init; }

    public EncoderRunResult Run(IProgress<EncoderStepStats>? progress = null, CancellationToken cancel = default)
    {
        using var run = new TrainingRun(_o.RunDir, EncoderCheckpoint.Kind, _comm, keepCheckpoints: 2, Say);
        run.WriteOptions(_o);
        using var s = new Session(_o, _generator, run);
        var stats = new List<EncoderStepStats>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (nan, images, savedAt) = (false, 0, s.Step);
        while (s.Step < _o.Settings.Steps && !nan && !cancel.IsCancellationRequested)
        {
            var batchIndex = s.NextBatch;
            foreach (var global in _epochs(s.Epoch).Skip(s.NextBatch))
            {
                using var scope = NewDisposeScope();
                using var owned = global;
                if (s.Step >= _o.Settings.Steps || cancel.IsCancellationRequested) break;
                var (terms, batch, recon) = TrainStep(s, run, global);
                if (!double.IsFinite(terms[3]))
                {
                    nan = true;
                    run.Stats.Write(new JsonObject { ["step"] = s.Step + 1, ["error"] = "non-finite loss; stopped, last good checkpoint kept" });
                    break;
                }
                s.Advance(++batchIndex);
                images += (int)global.shape[0];
                if (s.Step % _o.LogEvery == 0 || s.Step == _o.Settings.Steps)
                {
                    var row = new EncoderStepStats(s.Step, s.Epoch, terms[0], terms[1], terms[2], terms[3], images / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
                    stats.Add(row);
                    run.Stats.Write(JsonSerializer.SerializeToNode(row, StatsJson)!.AsObject());
                    progress?.Report(row);
                    images = 0;
                    clock.Restart();
                }
                if (run.IsRoot && (s.Step % _o.GridEvery == 0 || s.Step == _o.Settings.Steps))
                    ReconstructionGrid.Save(batch, s.Average, recon, Path.Combine(_o.RunDir, "grids", $"step{s.Step:D6}.png"));
                if (s.Step % _o.CheckpointEvery == 0 || s.Step == _o.Settings.Steps) savedAt = s.Save();
            }
            if (batchIndex == 0 && !nan) throw new InvalidOperationException("the training data yielded no batch (fewer images than the batch size?)");
            if (!nan && s.Step < _o.Settings.Steps && !cancel.IsCancellationRequested) s.NextEpoch();
        }
        // Decided from the step count, not File.Exists: every rank must agree (the save includes a collective check).
        if (!nan && savedAt != s.Step) s.Save();
        return new EncoderRunResult(run.LastCheckpoint ?? "", s.Step, nan, stats);
    }

    /// <summary>One optimiser step on this rank's share of a global batch, in micro-batches whose gradients accumulate
    /// (each chunk's mean loss scaled by 1/chunks). Returns the loss terms averaged over ranks (non-finite: no step).</summary>
    private (double[] Terms, Tensor Batch, Tensor Recon) TrainStep(Session s, TrainingRun run, Tensor global)
    {
        var o = _o;
        if (global.dim() != 4 || global.shape[1] != 3 || global.shape[2] != o.Resolution || global.shape[3] != o.Resolution)
            throw new ArgumentException($"training batch must be N×3×{o.Resolution}×{o.Resolution}, got [{string.Join(",", global.shape)}]");
        var n = global.shape[0];
        if (n % (run.WorldSize * o.MicroBatches) != 0)
            throw new ArgumentException($"a batch of {n} images does not split over {run.WorldSize} ranks × {o.MicroBatches} micro-batches (fewer images than the batch size?)");
        var per = n / run.WorldSize;
        var batch = run.WorldSize == 1 ? global : global.narrow(0, run.Comm.Rank * per, per);
        s.Optimizer.ZeroGrad();
        int chunks = o.MicroBatches;
        var m = per / chunks;
        var terms = new double[4];
        var recons = new List<Tensor>(chunks);
        using var invChunks = (1.0 / chunks).ToScalar();
        for (var c = 0; c < chunks; c++)
        {
            var x = chunks == 1 ? batch : batch.narrow(0, c * m, m);
            var (ws, recon) = GeneratorInversion.Invert(s.Encoder, _generator, x, s.Average, o.Iterations);
            var (total, t) = s.Loss.Compute(recon, x, ws, s.MeanW);
            terms[0] += t.L2 / chunks; terms[1] += t.Perceptual / chunks; terms[2] += t.WNorm / chunks; terms[3] += t.Total / chunks;
            if (double.IsFinite(t.Total)) (chunks == 1 ? total : total.mul(invChunks)).backward();
            recons.Add(recon.detach());
        }
        run.MeanOverRanks(terms); // the logged figures are the global batch's, and a NaN on any rank stops all
        if (double.IsFinite(terms[3]))
        {
            run.Reducer.AverageGradients(s.Trainable);
            s.Optimizer.Step();
        }
        return (terms, batch, chunks == 1 ? recons[0] : cat(recons, 0));
    }

    /// <summary>The encoder, its optimizer and loss, the frozen generator's mean latent and average image, and where
    /// training stands (fresh, or restored from the run's newest readable checkpoint).</summary>
    private sealed class Session : IDisposable
    {
        private readonly EncoderTrainOptions _o;
        private readonly TrainingRun _run;
        private readonly LpipsAlex? _lpips;
        private readonly LearnedDecoder? _decoder;

        public Session(EncoderTrainOptions o, ILatentGenerator generator, TrainingRun run)
        {
            (_o, _run) = (o, run);
            if (run.IsRoot) Directory.CreateDirectory(Path.Combine(o.RunDir, "grids"));
            // The generator is frozen: eval, no gradients into it (only through it, to the encoder).
            MeanW = generator.MeanW.detach();
            _decoder = generator as LearnedDecoder;
            Average = _decoder?.AverageImage(o.Resolution) ?? GeneratorInversion.AverageImage(generator, o.Resolution);
            if (run.IsRoot) Imaging.ImageWriter.Save(Imaging.TensorImages.SignedToImage(Average), Path.Combine(o.RunDir, "average.png"));
            manual_seed(o.Seed);
            var expected = o.EncoderFor(generator.NumWs, generator.WDim);
            using var ck = o.Resume ? run.OpenLatest() : null;
            if (ck is not null)
            {
                var saved = EncoderCheckpoint.FromContent(ck);
                if (saved.Info.Encoder != expected)
                    throw new InvalidOperationException($"{ck.Path} was trained with encoder {saved.Info.Encoder}, but this run asks for {expected}; use a new run folder");
                if ((saved.Info.Decoder is not null) != (_decoder is not null))
                    throw new InvalidOperationException($"{ck.Path} was trained {(saved.Info.Decoder is null ? "against a frozen generator" : "with a learned decoder")}, " +
                                                        "but this run asks for the other; use a new run folder");
                Encoder = saved.CreateEncoder();
                if (_decoder is not null) saved.LoadDecoder(_decoder);
                (Step, Epoch, NextBatch) = (saved.Info.Step, saved.Info.Epoch, saved.Info.NextBatch);
            }
            else Encoder = new PspEncoder(expected);
            Encoder.train();
            ChannelsLast.Apply(Encoder); // NHWC conv weights: oneDNN skips a reorder per conv
            run.Reducer.BroadcastFromRoot(Encoder); // same seed gives the same weights already; this makes it a guarantee
            if (_decoder is not null)
            {
                _decoder.train();
                run.Reducer.BroadcastFromRoot(_decoder);
            }
            Trainable = _decoder is null ? [.. Encoder.parameters()] : [.. Encoder.parameters(), .. _decoder.parameters()];
            var ps = ParameterOptimizer.ByIndex(Trainable);
            Optimizer = new OptimizerOptions { Kind = o.Settings.Optimizer, LearningRate = o.Settings.Lr, WeightDecay = 0 }.Create(ps);
            if (ck is not null)
            {
                Optimizer.LoadState(ck.WithPrefix(EncoderCheckpoint.OptimizerPrefix));
                run.Stats.DropAfter("step", Step);
            }
            _lpips = o.LpipsWeights is { Length: > 0 } ? LpipsAlex.Load(o.LpipsWeights) : null;
            Loss = new ReconstructionLoss(o.Weights, _lpips);
        }

        public PspEncoder Encoder { get; }
        /// <summary>The encoder's parameters, then the learned decoder's (if any): what the optimizer steps.</summary>
        public IReadOnlyList<TorchSharp.Modules.Parameter> Trainable { get; }
        public ParameterOptimizer Optimizer { get; }
        public ReconstructionLoss Loss { get; }
        public Tensor MeanW { get; }
        public Tensor Average { get; }
        public int Step { get; private set; }
        public int Epoch { get; private set; }
        public int NextBatch { get; private set; }

        public void Advance(int nextBatch) => (Step, NextBatch) = (Step + 1, nextBatch);
        public void NextEpoch() => (Epoch, NextBatch) = (Epoch + 1, 0);

        public int Save()
        {
            ReplicaConsistency.Check(_run.Comm, Encoder, "encoder");
            if (_decoder is not null) ReplicaConsistency.Check(_run.Comm, _decoder, "decoder");
            var info = new EncoderCheckpointInfo(Encoder.Options, Step, Epoch, _o.Iterations, _o.GeneratorCheckpoint, Loss.PerceptualKind, NextBatch,
                _decoder is null ? null : EncoderCheckpoint.LearnedDecoderName, _decoder is null ? _o.Settings.InversionNoise : null);
            _run.Save($"{TrainingRun.CheckpointPrefix}s{Step:D8}{CheckpointFile.Extension}", info,
                EncoderCheckpoint.Tensors(Encoder, Average, MeanW, Optimizer.StateTensors(), _decoder));
            return Step;
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Loss.Dispose();
            _lpips?.Dispose();
            Encoder.Dispose();
            Average.Dispose();
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions StatsJson = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
