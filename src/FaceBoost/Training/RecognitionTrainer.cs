using System.Text.Json.Nodes;
using FaceBoost.Distributed;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Trains a recognition backbone with a margin head on an <see cref="ITrainBatchSource"/>, in a run
/// folder with options.json, stats.jsonl and atomic, resumable checkpoints.
/// Resume is exact because everything random is a function of (seed, epoch, batch): the data order and
/// augmentation come from the source, and the torch generator (dropout) is re-seeded before every step.
/// Data-parallel (issue 9): with an <see cref="ICommunicator"/> of N ranks, <see cref="RecognitionTrainOptions.BatchSize"/>
/// is the GLOBAL batch; the source must yield this rank's shard of BatchSize/N samples per step
/// (<see cref="FaceLoaderBatchSource.Create"/> does). Rank 0's weights are broadcast, gradients are averaged before
/// clipping and the step, and only rank 0 writes options/stats/checkpoints.</summary>
public sealed class RecognitionTrainer
{
    private readonly RecognitionTrainOptions _o;
    private readonly ITrainBatchSource _source;
    private readonly ICommunicator _comm;

    /// <param name="communicator">Peers to train with; null = <see cref="Communicators.FromEnvironment"/> (local
    /// unless launched by mpirun). The caller owns (disposes) it.</param>
    public RecognitionTrainer(RecognitionTrainOptions options, ITrainBatchSource source, ICommunicator? communicator = null)
    {
        options.Validate();
        _comm = communicator ?? Communicators.FromEnvironment();
        options.ValidateParallel(_comm.WorldSize);
        if (source.BatchesPerEpoch < 1) throw new ArgumentException("the training data gives no full batch; lower the batch size or add data");
        if (source.NumClasses < 2) throw new ArgumentException($"training needs at least 2 identities, the data has {source.NumClasses}");
        _o = options;
        _source = source;
    }

    /// <summary>Verification sets and TensorBoard during training (single process only).</summary>
    public Evaluation.TrainingVerifier? Verifier { get; init; }

    public const string Kind = "faceboost.recognition";
    public static string OptionsPath(string runDir) => TrainingRun.OptionsPath(runDir);
    public static string StatsPath(string runDir) => TrainingRun.StatsPath(runDir);
    public static RecognitionTrainOptions ReadOptions(string runDir) => TrainingRun.ReadOptions<RecognitionTrainOptions>(runDir);

    /// <summary>Rank 0's notes (resume, fallback to an older checkpoint).</summary>
    public Action<string>? Say { get; init; }

    /// <summary>Seed of the torch generator for one step; depends only on where training is.</summary>
    public static long StepSeed(int seed, int epoch, int batch) =>
        ((long)seed * 1_000_003L + epoch * 100_003L + batch) & 0x7fff_ffff_ffffL;

    /// <summary>Runs from scratch, or from the run folder's newest readable checkpoint when <paramref name="resume"/>.</summary>
    public TrainResult Run(bool resume = false, IProgress<TrainProgress>? progress = null, CancellationToken cancel = default)
    {
        TorchRuntime.Initialize(_o.Threads);
        using var run = new TrainingRun(_o.RunDir, Kind, _comm, _o.KeepCheckpoints, Say);
        using var s = Session.Create(_o, _source, run, resume);
        if (!resume) run.WriteOptions(_o);
        var (bpe, epoch, startBatch) = (_source.BatchesPerEpoch, s.Epoch, s.NextBatch);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int stepsThisProcess = 0, images = 0;
        for (; epoch < _o.Epochs; epoch++, startBatch = 0)
        {
            s.BeginEpoch(epoch);
            foreach (var batch in _source.Epoch(epoch, startBatch))
            {
                using var owned = batch;
                using var scope = NewDisposeScope();
                var b = batch.BatchIndex;
                var (loss, acc, gradNorm, lr, stop) = TrainStep(s, run, batch, epoch, cancel);
                stepsThisProcess++;
                images += (int)batch.Images.shape[0] * run.WorldSize;
                var ips = images / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                if (run.IsRoot) progress?.Report(new TrainProgress(epoch, _o.Epochs, b, bpe, s.Step, (long)_o.Epochs * bpe,
                    run.Stats.Mean("loss"), run.Stats.Mean("acc"), lr, ips));
                if (s.Step % _o.LogEvery == 0)
                {
                    if (run.IsRoot) Verifier?.LogTraining(s.Step, run.Stats.Mean("loss"), run.Stats.Mean("acc"), lr);
                    run.Stats.Tick(new JsonObject { ["step"] = s.Step, ["epoch"] = epoch, ["batch"] = b, ["lr"] = lr,
                        ["images_per_s"] = Math.Round(ips, 2), ["grad_norm"] = Math.Round(gradNorm, 4) });
                    images = 0;
                    clock.Restart();
                }
                var endOfEpoch = b == bpe - 1;
                if (run.IsRoot && run.WorldSize == 1 && Verifier?.Due(s.Step, endOfEpoch) == true)
                    Verify(s, run, epoch, b, lr, loss, cancel);
                if ((_o.CheckpointEverySteps > 0 && s.Step % _o.CheckpointEverySteps == 0 && !endOfEpoch) || stop)
                    s.Save(epoch, b + 1, lr, loss);
                if (stop || (_o.StopAfterSteps is { } max && stepsThisProcess >= max))
                    return new TrainResult(s.Step, epoch, run.LastCheckpoint, loss, acc, Stopped: true);
            }
            s.Save(epoch + 1, 0, s.LearningRate, s.LastLoss);
        }
        return new TrainResult(s.Step, epoch, run.LastCheckpoint, s.LastLoss, s.LastAccuracy, Stopped: false);
    }

    /// <summary>A verification round (arcface_torch's CallBackVerification): logs to stats.jsonl and keeps best.fbck.</summary>
    private void Verify(Session s, TrainingRun run, int epoch, int b, double lr, double loss, CancellationToken cancel)
    {
        var round = Verifier!.Run(new CheckpointEmbedder(s.Model), s.Step, epoch, run.Stats.Write, cancel);
        s.Model.Backbone.train();
        if (!round.IsBest) return;
        s.Save(epoch, b + 1, lr, loss);
        Evaluation.TrainingVerifier.KeepBest(run.LastCheckpoint!, _o.RunDir);
    }

    /// <summary>One optimiser step: forward/backward, agree over ranks, divergence check, gradient average, clip, step.</summary>
    private (double Loss, double Acc, double GradNorm, double Lr, bool Stop) TrainStep(Session s, TrainingRun run, TrainBatch batch, int epoch, CancellationToken cancel)
    {
        var b = batch.BatchIndex;
        torch.manual_seed(StepSeed(_o.Seed, epoch, b));
        var lr = s.Schedule.At(epoch + (double)b / _source.BatchesPerEpoch);
        s.Optimizer.LearningRate = lr;
        s.Optimizer.ZeroGrad();
        var (lossValue, acc) = ForwardBackward(s.Model, s.Head, s.LossFn, batch);
        // One small collective: ranks agree on the logged loss/accuracy and on Ctrl-C, so no rank leaves alone.
        Span<double> agreed = [lossValue, acc, cancel.IsCancellationRequested ? 1 : 0];
        run.MeanOverRanks(agreed);
        (lossValue, acc) = (agreed[0], agreed[1]);
        var where = $"at epoch {epoch}, batch {b} (step {s.Step + 1})";
        run.CheckFinite(lossValue, $"loss {where}");
        run.Reducer.AverageGradients(s.Parameters.Select(p => p.Parameter));
        var gradNorm = GradientNorm(s.Parameters);
        if (!double.IsFinite(gradNorm))
            throw run.Diverged($"gradient norm became {gradNorm} {where}; first bad gradient: {FirstNonFiniteGradient(s.Parameters)}");
        if (_o.Optimizer.ClipGradNorm > 0 && gradNorm > _o.Optimizer.ClipGradNorm)
            ScaleGradients(s.Parameters, _o.Optimizer.ClipGradNorm / (gradNorm + 1e-6));
        s.Optimizer.Step();
        s.Advance(lossValue, acc, lr);
        run.Stats.Report("loss", lossValue);
        run.Stats.Report("acc", acc);
        return (lossValue, acc, gradNorm, lr, agreed[2] > 0);
    }

    /// <summary>The modules, optimizer and position of one run (fresh, or restored from its checkpoint).</summary>
    private sealed class Session : IDisposable
    {
        private readonly RecognitionTrainOptions _o;
        private readonly ITrainBatchSource _source;
        private readonly TrainingRun _run;
        private HashSet<string> _trainable = [];
        public RecognitionModel Model { get; private set; } = null!;
        public ClassifierHead Head { get; private set; } = null!;
        public ClassificationLoss LossFn { get; private set; } = null!;
        public List<NamedParameter> Parameters { get; private set; } = [];
        public ParameterOptimizer Optimizer { get; private set; } = null!;
        public LearningRateSchedule Schedule { get; private set; } = null!;
        public int Epoch { get; private set; }
        public int NextBatch { get; private set; }
        public long Step { get; private set; }
        public double LastLoss { get; private set; } = double.NaN;
        public double LastAccuracy { get; private set; } = double.NaN;
        public double LearningRate { get; private set; }

        private Session(RecognitionTrainOptions o, ITrainBatchSource source, TrainingRun run) { _o = o; _source = source; _run = run; }

        public static Session Create(RecognitionTrainOptions o, ITrainBatchSource source, TrainingRun run, bool resume)
        {
            var s = new Session(o, source, run);
            torch.manual_seed(o.Seed);
            var backbone = BackboneFactory.Create(o.Backbone);
            s.Head = o.Head.CreateHead(o.Backbone.EmbeddingSize, source.NumClasses);
            s.LossFn = o.Head.CreateLoss();
            Tensor? averageImage = null;
            if (!resume && o.InitFrom is { } initFrom)
                averageImage = BackboneInitializers.Find(initFrom).Initialize(initFrom, backbone, source.Normalization, o.TransferStages);
            if (averageImage is null && o.Backbone.InputChannels == 6)
                averageImage = LoadAverageImage(o.AverageImagePath, o.Backbone.InputSize, source.Normalization);
            s.Parameters = ParameterGroups.Collect(backbone, "model.")
                .Select(p => o.BodyLrScale != 1 && backbone.IsBodyParameter(p.Name["model.".Length..], o.TransferStages) ? p with { LrScale = o.BodyLrScale } : p)
                .Concat(ParameterGroups.Collect(s.Head, "head."))
                .Where(p => p.Parameter.requires_grad).ToList();
            s._trainable = s.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            s.Optimizer = o.Optimizer.Create(s.Parameters);
            s.Schedule = o.Schedule.Create(o.Optimizer.LearningRate, o.Epochs);
            if (resume) averageImage = s.Restore(backbone, averageImage);
            ChannelsLast.Apply(backbone); // NHWC conv weights: oneDNN skips a reorder per conv (after loading: same values)
            s.Model = new RecognitionModel(backbone, averageImage, source.Normalization);
            averageImage?.Dispose();
            run.Reducer.BroadcastFromRoot(s.Model.Backbone); // identical replicas (also after resume: cheap insurance)
            run.Reducer.BroadcastFromRoot(s.Head);
            if (s.NextBatch >= source.BatchesPerEpoch) { s.Epoch++; s.NextBatch = 0; }
            return s;
        }

        private Tensor? Restore(FaceBackbone backbone, Tensor? averageImage)
        {
            using var ck = _run.OpenLatest() ?? throw new FileNotFoundException($"cannot resume: run folder '{_run.RunDir}' has no checkpoint");
            var header = ck.HeaderAs<CheckpointHeader>();
            if (header.NumClasses != _source.NumClasses)
                throw new InvalidDataException($"'{ck.Path}' was trained on {header.NumClasses} identities, the data now has {_source.NumClasses}");
            ck.LoadModule(backbone, "model.");
            ck.LoadModule(Head, "head.");
            Optimizer.LoadState(ck.WithPrefix("optim."));
            if (ck.Has("average_image")) { averageImage?.Dispose(); averageImage = ck.Get("average_image").clone(); }
            (Epoch, NextBatch, Step) = (header.Epoch, header.NextBatch, header.GlobalStep);
            _run.Stats.DropAfter("step", Step);
            return averageImage;
        }

        public void BeginEpoch(int epoch)
        {
            SetBodyFrozen(Model.Backbone, epoch < _o.FreezeBodyEpochs, _trainable, _o.TransferStages);
            Model.Backbone.train();
            Head.train();
        }

        public void Advance(double loss, double acc, double lr) => (Step, LastLoss, LastAccuracy, LearningRate) = (Step + 1, loss, acc, lr);

        public void Save(int epoch, int nextBatch, double lr, double loss)
        {
            var header = new CheckpointHeader
            {
                Epoch = epoch, NextBatch = nextBatch, GlobalStep = Step, NumClasses = _source.NumClasses,
                Backbone = _o.Backbone, Head = _o.Head, OptimizerKind = _o.Optimizer.Kind,
                NormalizeMean = _source.Normalization.Mean, NormalizeStd = _source.Normalization.Std,
                LearningRate = lr, Loss = loss, Seed = _o.Seed, Threads = _o.Threads, Identities = _source.Identities,
            };
            var tensors = RecognitionCheckpoint.StateOf(Model.Backbone, "model.")
                .Concat(RecognitionCheckpoint.StateOf(Head, "head."))
                .Concat(Optimizer.StateTensors().Select(kv => new KeyValuePair<string, Tensor>("optim." + kv.Key, kv.Value)));
            if (Model.AverageImage is { } avg) tensors = tensors.Append(new("average_image", avg));
            _run.Save($"ckpt-e{epoch:D3}-b{nextBatch:D5}-s{Step:D8}{CheckpointFile.Extension}", header, tensors);
        }

        public void Dispose()
        {
            Optimizer?.Dispose();
            Model?.Dispose();
            Head?.Dispose();
        }
    }

    /// <summary>Forward + backward of this rank's batch, in <see cref="RecognitionTrainOptions.MicroBatches"/> chunks
    /// whose gradients accumulate (each chunk's loss scaled by 1/chunks, so the result is the full batch's mean-loss
    /// gradient except that BatchNorm sees chunk statistics — exactly what N data-parallel ranks see).</summary>
    private (double Loss, double Accuracy) ForwardBackward(RecognitionModel model, ClassifierHead head, ClassificationLoss lossFn, TrainBatch batch)
    {
        int chunks = _o.MicroBatches;
        long n = batch.Images.shape[0];
        if (n % chunks != 0) throw new InvalidOperationException($"batch of {n} does not split into {chunks} micro-batches");
        long m = n / chunks;
        double lossSum = 0, accSum = 0;
        for (int c = 0; c < chunks; c++)
        {
            var images = chunks == 1 ? batch.Images : batch.Images.narrow(0, c * m, m);
            var labels = chunks == 1 ? batch.Labels : batch.Labels.narrow(0, c * m, m);
            var embeddings = model.Forward(images);
            var logits = head.forward(embeddings, labels);
            var loss = lossFn.Compute(logits, labels);
            var lossValue = loss.item<float>();
            lossSum += lossValue;
            if (float.IsFinite(lossValue))
            {
                using var chunkCount = chunks.ToScalar();
                (chunks == 1 ? loss : loss.div(chunkCount)).backward();
            }
            using (no_grad())
                accSum += head.PlainLogits(embeddings.detach()).argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
        }
        return (lossSum / chunks, accSum / chunks);
    }

    /// <summary>Freezes (or thaws) what a transfer copied: the body up to stage <paramref name="stages"/>.</summary>
    private static void SetBodyFrozen(FaceBackbone backbone, bool frozen, HashSet<string> trainable, int stages)
    {
        using var scope = NewDisposeScope(); // holds the wrappers `grad` makes (BeginEpoch runs outside the step's scope)
        foreach (var (name, p) in backbone.named_parameters())
        {
            if (!trainable.Contains("model." + name) || !backbone.IsBodyParameter(name, stages)) continue;
            p.requires_grad = !frozen;
            if (frozen) p.grad?.zero_();
        }
    }

    private static double GradientNorm(IReadOnlyList<NamedParameter> ps)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var p in ps)
        {
            var g = p.Parameter.grad;
            if (g is null || !p.Parameter.requires_grad) continue;
            var s = g.pow(Scalars.Two).sum();
            sum = sum is null ? s : sum.add(s, Scalars.One);
        }
        return sum is null ? 0 : Math.Sqrt(sum.item<float>());
    }

    private static string FirstNonFiniteGradient(IReadOnlyList<NamedParameter> ps)
    {
        using var scope = NewDisposeScope();
        return ps.FirstOrDefault(p => p.Parameter.grad is { } g && !isfinite(g).all().item<bool>())?.Name ?? "none";
    }

    private static void ScaleGradients(IReadOnlyList<NamedParameter> ps, double factor)
    {
        using var noGrad = no_grad();
        using var f = factor.ToScalar();
        foreach (var p in ps)
            if (p.Parameter.grad is { } g && p.Parameter.requires_grad) g.mul_(f);
    }

    private static Tensor LoadAverageImage(string? path, int size, (float Mean, float Std) norm)
    {
        if (path is null)
            throw new ArgumentException("a 6-channel backbone needs the average image: pass --init-from an encoder checkpoint or --average-image a PNG");
        var img = Imaging.ImageDecoder.Decode(path);
        using var scope = NewDisposeScope();
        var t = tensor(img.Pixels, [1, 3, img.Height, img.Width]);
        if (img.Width != size || img.Height != size)
            t = nn.functional.interpolate(t, [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        using var mean = norm.Mean.ToScalar();
        using var std = norm.Std.ToScalar();
        return t[0].sub(mean).div(std).MoveToOuterDisposeScope();
    }
}
