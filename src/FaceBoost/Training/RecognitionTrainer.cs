using System.Diagnostics;
using System.Text.Json;
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

    public static string OptionsPath(string runDir) => Path.Combine(runDir, "options.json");
    public static string StatsPath(string runDir) => Path.Combine(runDir, "stats.jsonl");

    public static RecognitionTrainOptions ReadOptions(string runDir)
    {
        var p = OptionsPath(runDir);
        if (!File.Exists(p)) throw new FileNotFoundException($"cannot resume: '{p}' does not exist", p);
        return JsonSerializer.Deserialize<RecognitionTrainOptions>(File.ReadAllText(p), CheckpointHeader.Json)
               ?? throw new InvalidDataException($"'{p}' is empty");
    }

    /// <summary>Seed of the torch generator for one step; depends only on where training is.</summary>
    public static long StepSeed(int seed, int epoch, int batch) =>
        ((long)seed * 1_000_003L + epoch * 100_003L + batch) & 0x7fff_ffff_ffffL;

    /// <summary>Runs from scratch, or from the run folder's latest checkpoint when <paramref name="resume"/>.</summary>
    public TrainResult Run(bool resume = false, IProgress<TrainProgress>? progress = null, CancellationToken cancel = default)
    {
        TorchRuntime.Initialize(_o.Threads);
        var runDir = _o.RunDir;
        var root = _comm.IsRoot;
        int world = _comm.WorldSize;
        var reducer = new GradientAllReducer(_comm);
        if (root) Directory.CreateDirectory(runDir);
        _comm.Barrier(); // all ranks see the folder (and, on resume, the same latest checkpoint) from here on

        torch.manual_seed(_o.Seed);
        var backbone = BackboneFactory.Create(_o.Backbone);
        var head = _o.Head.CreateHead(_o.Backbone.EmbeddingSize, _source.NumClasses);
        var lossFn = _o.Head.CreateLoss();
        Tensor? averageImage = null;

        if (!resume && _o.InitFrom is { } initFrom)
            averageImage = BackboneInitializers.Find(initFrom).Initialize(initFrom, backbone, _source.Normalization);
        if (averageImage is null && _o.Backbone.InputChannels == 6)
            averageImage = LoadAverageImage(_o.AverageImagePath, _o.Backbone.InputSize, _source.Normalization);

        var parameters = ParameterGroups.Collect(backbone, "model.").Concat(ParameterGroups.Collect(head, "head."))
            .Where(p => p.Parameter.requires_grad).ToList();
        using var optimizer = _o.Optimizer.Create(parameters);
        var schedule = _o.Schedule.Create(_o.Optimizer.LearningRate, _o.Epochs);

        int startEpoch = 0, startBatch = 0;
        long globalStep = 0;
        string? lastCheckpoint = null;
        if (resume)
        {
            lastCheckpoint = RecognitionCheckpoint.Resolve(runDir);
            var (header, tensors) = RecognitionCheckpoint.Read(lastCheckpoint);
            try
            {
                if (header.NumClasses != _source.NumClasses)
                    throw new InvalidDataException($"'{lastCheckpoint}' was trained on {header.NumClasses} identities, the data now has {_source.NumClasses}");
                RecognitionCheckpoint.LoadModule(backbone, tensors, "model.", lastCheckpoint);
                RecognitionCheckpoint.LoadModule(head, tensors, "head.", lastCheckpoint);
                optimizer.LoadState(tensors.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["optim.".Length..], kv => kv.Value));
                if (tensors.TryGetValue("average_image", out var avg)) { averageImage?.Dispose(); averageImage = avg.clone(); }
                (startEpoch, startBatch, globalStep) = (header.Epoch, header.NextBatch, header.GlobalStep);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
        }
        else if (root)
        {
            File.WriteAllText(OptionsPath(runDir), JsonSerializer.Serialize(_o, CheckpointHeader.Json));
        }

        using var model = new RecognitionModel(backbone, averageImage, _source.Normalization);
        averageImage?.Dispose();
        reducer.BroadcastFromRoot(model.Backbone); // identical replicas (also after resume: cheap insurance)
        reducer.BroadcastFromRoot(head);
        var trainable = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var bpe = _source.BatchesPerEpoch;
        var totalSteps = (long)_o.Epochs * bpe;
        if (startBatch >= bpe) { startEpoch++; startBatch = 0; }

        using var stats = root ? new StreamWriter(StatsPath(runDir), append: true) : null;
        if (resume) stats?.WriteLine(JsonSerializer.Serialize(new { resumed_from = Path.GetFileName(lastCheckpoint), step = globalStep, epoch = startEpoch, batch = startBatch }));

        double intervalLoss = 0, intervalAcc = 0, lastLoss = double.NaN, lastAcc = double.NaN, lr = 0;
        int intervalSteps = 0, intervalImages = 0, stepsThisProcess = 0;
        var clock = Stopwatch.StartNew();
        var epoch = startEpoch;
        for (; epoch < _o.Epochs; epoch++)
        {
            SetBodyFrozen(backbone, epoch < _o.FreezeBodyEpochs, trainable);
            backbone.train();
            head.train();
            foreach (var batch in _source.Epoch(epoch, epoch == startEpoch ? startBatch : 0))
            {
                using var owned = batch;
                using var scope = NewDisposeScope();
                var b = batch.BatchIndex;
                torch.manual_seed(StepSeed(_o.Seed, epoch, b));
                lr = schedule.At(epoch + (double)b / bpe);
                optimizer.LearningRate = lr;

                optimizer.ZeroGrad();
                var (lossValue, acc) = ForwardBackward(model, head, lossFn, batch);
                var stopAll = cancel.IsCancellationRequested;
                if (world > 1)
                {
                    // One small collective: ranks agree on the logged loss/accuracy (averaged), on divergence and on
                    // Ctrl-C, so no rank leaves the loop while its peers wait in a collective.
                    Span<double> agreed = [lossValue, acc, stopAll ? 1 : 0];
                    _comm.AllReduceSum(agreed);
                    (lossValue, acc, stopAll) = (agreed[0] / world, agreed[1] / world, agreed[2] > 0);
                }
                if (!double.IsFinite(lossValue))
                    throw Diverged($"loss became {lossValue} at epoch {epoch}, batch {b} (step {globalStep + 1})", lastCheckpoint);
                reducer.AverageGradients(parameters.Select(p => p.Parameter));
                var gradNorm = GradientNorm(parameters);
                if (!double.IsFinite(gradNorm))
                    throw Diverged($"gradient norm became {gradNorm} at epoch {epoch}, batch {b} (step {globalStep + 1}; first bad gradient: {FirstNonFiniteGradient(parameters)})", lastCheckpoint);
                if (_o.Optimizer.ClipGradNorm > 0 && gradNorm > _o.Optimizer.ClipGradNorm)
                    ScaleGradients(parameters, _o.Optimizer.ClipGradNorm / (gradNorm + 1e-6));
                optimizer.Step();
                globalStep++;
                stepsThisProcess++;

                intervalLoss += lossValue; intervalAcc += acc; intervalSteps++;
                intervalImages += (int)batch.Images.shape[0] * world;
                lastLoss = lossValue; lastAcc = acc;

                var ips = intervalImages / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                if (root) progress?.Report(new TrainProgress(epoch, _o.Epochs, b, bpe, globalStep, totalSteps,
                    intervalLoss / intervalSteps, intervalAcc / intervalSteps, lr, ips));
                if (globalStep % _o.LogEvery == 0)
                {
                    stats?.WriteLine(JsonSerializer.Serialize(new
                    {
                        step = globalStep, epoch, batch = b, loss = intervalLoss / intervalSteps, acc = intervalAcc / intervalSteps,
                        lr, images_per_s = Math.Round(ips, 2), grad_norm = Math.Round(gradNorm, 4),
                    }));
                    stats?.Flush();
                    intervalLoss = intervalAcc = 0; intervalSteps = intervalImages = 0;
                    clock.Restart();
                }

                var endOfEpoch = b == bpe - 1;
                if (_o.CheckpointEverySteps > 0 && globalStep % _o.CheckpointEverySteps == 0 && !endOfEpoch)
                    lastCheckpoint = SaveCheckpoint(model, head, optimizer, epoch, b + 1, globalStep, lr, lossValue);
                if (_o.StopAfterSteps is { } stop && stepsThisProcess >= stop)
                    return new TrainResult(globalStep, epoch, lastCheckpoint, lastLoss, lastAcc, Stopped: true);
                if (stopAll)
                {
                    lastCheckpoint = SaveCheckpoint(model, head, optimizer, epoch, b + 1, globalStep, lr, lossValue);
                    return new TrainResult(globalStep, epoch, lastCheckpoint, lastLoss, lastAcc, Stopped: true);
                }
            }
            lastCheckpoint = SaveCheckpoint(model, head, optimizer, epoch + 1, 0, globalStep, lr, lastLoss);
        }
        stats?.Flush();
        return new TrainResult(globalStep, epoch, lastCheckpoint, lastLoss, lastAcc, Stopped: false);
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

    private static TrainingDivergedException Diverged(string what, string? lastCheckpoint) =>
        new($"training diverged: {what}. Stopped without saving these weights; " +
            (lastCheckpoint is null ? "no checkpoint had been written yet." : $"the last good checkpoint '{lastCheckpoint}' is intact.") +
            " Try a lower learning rate, --clip-grad, or a warm-up.");

    private static void SetBodyFrozen(FaceBackbone backbone, bool frozen, HashSet<string> trainable)
    {
        foreach (var (name, p) in backbone.named_parameters())
        {
            if (!trainable.Contains("model." + name) || !backbone.IsBodyParameter(name)) continue;
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

    private string SaveCheckpoint(RecognitionModel model, ClassifierHead head, IParameterOptimizer optimizer,
        int epoch, int nextBatch, long globalStep, double lr, double loss)
    {
        // Never persist non-finite weights: the last good checkpoint must stay the newest one.
        using (var scope = NewDisposeScope())
            foreach (var (key, t) in model.Backbone.state_dict().Concat(head.state_dict()))
                if (t.is_floating_point() && !torch.isfinite(t).all().item<bool>())
                    throw Diverged($"parameter '{key}' became non-finite before the checkpoint at step {globalStep}", LatestPath());

        var header = new CheckpointHeader
        {
            Epoch = epoch, NextBatch = nextBatch, GlobalStep = globalStep, NumClasses = _source.NumClasses,
            Backbone = _o.Backbone, Head = _o.Head, OptimizerKind = _o.Optimizer.Kind,
            NormalizeMean = _source.Normalization.Mean, NormalizeStd = _source.Normalization.Std,
            LearningRate = lr, Loss = loss, Seed = _o.Seed, Threads = _o.Threads, Identities = _source.Identities,
        };
        var tensors = RecognitionCheckpoint.StateOf(model.Backbone, "model.")
            .Concat(RecognitionCheckpoint.StateOf(head, "head."))
            .Concat(optimizer.StateTensors().Select(kv => new KeyValuePair<string, Tensor>("optim." + kv.Key, kv.Value)));
        if (model.AverageImage is { } avg) tensors = tensors.Append(new("average_image", avg));
        var name = $"ckpt-e{epoch:D3}-b{nextBatch:D5}-s{globalStep:D8}{RecognitionCheckpoint.Extension}";
        var path = Path.Combine(_o.RunDir, name);
        if (_comm.IsRoot)
        {
            RecognitionCheckpoint.Write(path, header, tensors);
            WriteAtomic(Path.Combine(_o.RunDir, RecognitionCheckpoint.LatestFile), name + "\n");
            PruneCheckpoints(name);
        }
        _comm.Barrier(); // nobody runs ahead of (or resumes before) rank 0's checkpoint
        return path;
    }

    private string? LatestPath()
    {
        try { return RecognitionCheckpoint.Resolve(_o.RunDir); } catch (FileNotFoundException) { return null; }
    }

    private void PruneCheckpoints(string keep)
    {
        var old = Directory.GetFiles(_o.RunDir, "ckpt-*" + RecognitionCheckpoint.Extension)
            .Select(Path.GetFileName).OfType<string>().Where(n => n != keep)
            .OrderByDescending(n => n, StringComparer.Ordinal).Skip(_o.KeepCheckpoints - 1);
        foreach (var n in old)
            try { File.Delete(Path.Combine(_o.RunDir, n)); } catch (IOException) { }
    }

    private static void WriteAtomic(string path, string text) => AtomicFile.WriteAllText(path, text);

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
