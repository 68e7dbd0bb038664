using FaceBoost.Runtime;
using System.Text.Json.Nodes;
using FaceBoost.Distributed;
using FaceBoost.Nets.StyleGan;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A quality measure of a generator taken at snapshots (the Fréchet distance lives in Synthesis).</summary>
public interface IGeneratorMetric
{
    string FeatureName { get; }
    double Measure(StyleGenerator generator);
}

/// <summary>StyleGAN2-ADA training on the <see cref="TrainingRun"/> spine, with stylegan2-ada-pytorch's phases: G main,
/// G path length (lazy), D main, D R1 (lazy); G EMA; ADA p update; sample grids; numbered checkpoints in the one
/// container. Data-parallel as stylegan2-ada does it: <see cref="GanSettings.BatchSize"/> is the global batch, each
/// rank draws its own latents and takes its slice of the global real batch, gradients (and the ADA/path-length
/// statistics) are averaged every phase, and rank 0 alone measures, logs and checkpoints.</summary>
public sealed class GanTrainer : IDisposable
{
    private readonly GanTrainOptions _o;
    private readonly FaceImageSet _data;
    private readonly IGeneratorMetric? _fd;
    private readonly ParameterOptimizer _optG, _optD;
    private readonly List<(Tensor Ema, Tensor Src)> _emaPairs;
    private readonly Tensor _sampleZ;
    private readonly TrainingRun _run;
    private double _plMean;

    public StyleGenerator G { get; }
    public StyleGenerator GEma { get; }
    public StyleDiscriminator D { get; }
    public AdaptiveAugment Ada { get; }
    public GanTrainState State { get; private set; }
    /// <summary>The newest checkpoint (written or resumed from); before any, the run folder (which resolves to it).</summary>
    public string CheckpointPath => _run.LastCheckpoint ?? _o.RunDir;
    public string StatsPath => _run.Stats.Path;

    /// <param name="communicator">Peers to train with (the caller owns it); null = a single process.</param>
    /// <param name="say">Rank 0's notes (resume, fallback to an older checkpoint).</param>
    public GanTrainer(GanTrainOptions options, FaceImageSet data, IGeneratorMetric? frechet = null, ICommunicator? communicator = null,
        Action<string>? say = null)
    {
        options.Validate();
        var comm = communicator ?? LocalCommunicator.Instance;
        options.ValidateParallel(comm.WorldSize);
        FaceBoost.Runtime.TorchRuntime.Initialize();
        if (data.Resolution != options.Generator.Resolution)
            throw new ArgumentException($"data resolution {data.Resolution} differs from generator resolution {options.Generator.Resolution}");
        _o = options; _data = data; _fd = frechet;
        _run = new TrainingRun(options.RunDir, GanCheckpoint.Kind, comm, keepCheckpoints: 2, say);
        torch.manual_seed(options.Seed);
        G = new StyleGenerator(options.Generator);
        D = new StyleDiscriminator(DiscriminatorOptions.MatchingGenerator(options.Generator));
        GEma = G.Clone();
        GEma.eval();
        foreach (var p in GEma.parameters()) p.requires_grad = false;
        _optG = MakeAdam(G, (float)options.Settings.LrG, options.Settings.PlWeight > 0 ? options.PlInterval : 0);
        _optD = MakeAdam(D, (float)options.Settings.LrD, options.Settings.R1Gamma > 0 ? options.R1Interval : 0);
        var src = G.state_dict();
        _emaPairs = GEma.state_dict().Select(kv => (kv.Value, src[kv.Key])).ToList();
        Ada = new AdaptiveAugment(options.Settings.AdaTarget, options.AdaInterval, options.AdaKimg);
        _sampleZ = LatentSeeds.Z(Enumerable.Range(0, options.SampleGridSize), options.Generator.ZDim);
        State = new GanTrainState(0, 0, 0, 0, 0, 0);
        if (comm.WorldSize > 1)
        {
            // Same seed gives the same initial weights already; broadcasting makes it a guarantee. Then each rank
            // needs its own latents, noise and augmentations, or the ranks would just repeat one another's work.
            _run.Reducer.BroadcastFromRoot(G); _run.Reducer.BroadcastFromRoot(D); _run.Reducer.BroadcastFromRoot(GEma);
            if (comm.Rank > 0) torch.manual_seed(options.Seed + 1_000_003L * comm.Rank);
        }
    }

    /// <summary>This rank's share of the global batch.</summary>
    private int RankBatch => _o.Settings.BatchSize / _run.WorldSize;

    /// <summary>Adam β=(0, 0.99) with the lazy-regularisation correction: lr·k/(k+1), β^(k/(k+1)) for interval k.</summary>
    private static ParameterOptimizer MakeAdam(nn.Module module, double lr, int regInterval)
    {
        var ratio = regInterval > 0 ? regInterval / (regInterval + 1.0) : 1.0;
        return new AdamOptimizer(ParameterOptimizer.ByIndex(module.parameters()), lr * ratio, Math.Pow(0, ratio), Math.Pow(0.99, ratio), 1e-8);
    }

    /// <summary>Loads the run's newest readable checkpoint if there is one; returns whether it did. Stats rows written
    /// after it (e.g. before a SIGKILL) are dropped so the log continues cleanly.</summary>
    public bool TryResume()
    {
        using var ck = _run.OpenLatest();
        if (ck is null) return false;
        var h = GanCheckpoint.CheckHeader(ck);
        if (!h.HasTraining || h.State is null) throw new CheckpointException(ck.Path, "has no training state (generator-only file)");
        if (h.Generator != G.Options) throw new CheckpointException(ck.Path, $"generator options {h.Generator} differ from this run's {G.Options}");
        ck.LoadModule(GEma, "G_ema.");
        ck.LoadModule(G, "G.");
        ck.LoadModule(D, "D.");
        _optG.LoadState(ck.WithPrefix("optim.G."));
        _optD.LoadState(ck.WithPrefix("optim.D."));
        if (_run.Comm.Rank == 0) torch.set_rng_state(ck.Get("rng"));
        State = h.State;
        Ada.P = State.AdaP;
        // Every rank loads rank 0's checkpoint; the pending ADA signs are rank 0's partial sums, so the others start
        // theirs from zero (they are summed over ranks when p is next adjusted).
        Ada.PendingSigns = _run.IsRoot ? (State.AdaSignSum, State.AdaSignCount) : (0, 0);
        _plMean = State.PlMean;
        _run.Stats.DropAfter("kimg", State.ImagesShown / 1000.0 + 1e-9);
        return true;
    }

    /// <summary>Writes a numbered checkpoint (rank 0 writes; all ranks wait for it).</summary>
    public void SaveCheckpoint()
    {
        State = State with { AdaP = Ada.P, PlMean = _plMean, AdaSignSum = Ada.PendingSigns.Sum, AdaSignCount = Ada.PendingSigns.Count };
        using var rng = torch.get_rng_state();
        var tensors = RecognitionCheckpoint.StateOf(GEma, "G_ema.").Concat(RecognitionCheckpoint.StateOf(G, "G."))
            .Concat(RecognitionCheckpoint.StateOf(D, "D."))
            .Concat(_optG.StateTensors().Select(kv => new KeyValuePair<string, Tensor>("optim.G." + kv.Key, kv.Value)))
            .Concat(_optD.StateTensors().Select(kv => new KeyValuePair<string, Tensor>("optim.D." + kv.Key, kv.Value)))
            .Append(new("rng", rng));
        _run.Save($"{TrainingRun.CheckpointPrefix}s{State.Step:D8}{CheckpointFile.Extension}",
            new GanCheckpoint.Header(G.Options, D.Options, State, true), tensors);
    }

    /// <summary>Trains until <see cref="GanSettings.Kimg"/> (continuing the kimg counter of a resumed run).</summary>
    public GanTrainState Run(IProgress<GanProgress>? progress = null, CancellationToken ct = default)
    {
        _run.WriteOptions(_o);
        var total = (long)(_o.Settings.Kimg * 1000);
        if (State.Step == 0) StartFresh();
        var nextLog = State.ImagesShown + (long)(_o.LogKimg * 1000);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long imagesSinceLog = 0;
        while (State.ImagesShown < total && !_run.AnyRank(ct.IsCancellationRequested))
        {
            Step();
            imagesSinceLog += _o.Settings.BatchSize;
            var done = State.ImagesShown >= total;
            var snapshot = State.ImagesShown >= State.NextSnapshotImages || done;
            if (State.ImagesShown < nextLog && !snapshot) continue;
            var ips = imagesSinceLog / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            double? fd = snapshot && _run.IsRoot ? _fd?.Measure(GEma) : null;
            if (snapshot) CheckReplicas();
            var (lossG, lossD) = (_run.Stats.Mean("loss_g"), _run.Stats.Mean("loss_d"));
            _run.Stats.Tick(new JsonObject
            {
                ["kimg"] = Math.Round(State.ImagesShown / 1000.0, 4), ["step"] = State.Step, ["pl_mean"] = Math.Round(_plMean, 5),
                ["ada_p"] = Math.Round(Ada.P, 5), ["r_t"] = Ada.LastRt is { } rt ? Math.Round(rt, 4) : null,
                ["fd"] = fd is { } f ? Math.Round(f, 5) : null, ["images_per_s"] = Math.Round(ips, 2),
                ["noise_max"] = Math.Round(GEma.NoiseStrengths().Max(n => n.Strength), 5),
            }, digits: 5);
            progress?.Report(new GanProgress(State.ImagesShown / 1000.0, _o.Settings.Kimg, lossG, lossD, Ada.P, fd, ips));
            if (State.ImagesShown >= State.NextSampleImages || done)
            {
                SaveSamples(State.ImagesShown);
                State = State with { NextSampleImages = State.NextSampleImages + (long)(_o.SampleKimg * 1000) };
            }
            if (snapshot)
            {
                State = State with { NextSnapshotImages = State.NextSnapshotImages + (long)(_o.SnapshotKimg * 1000) };
                SaveCheckpoint();
            }
            nextLog = State.ImagesShown + (long)(_o.LogKimg * 1000);
            imagesSinceLog = 0;
            clock.Restart();
        }
        if (State.ImagesShown < total) SaveCheckpoint(); // cancelled: keep where it stopped
        return State;
    }

    /// <summary>A fresh run's step 0: the initial Fréchet distance, samples and checkpoint, and the first cadence marks.</summary>
    private void StartFresh()
    {
        double? fd0 = _run.IsRoot ? _fd?.Measure(GEma) : null;
        State = State with { InitialFrechetDistance = fd0 };
        _run.Stats.Write(new JsonObject { ["kimg"] = 0.0, ["step"] = 0, ["fd"] = fd0, ["fd_features"] = _fd?.FeatureName, ["ada_p"] = 0.0 });
        SaveSamples(0);
        State = State with { NextSampleImages = (long)(_o.SampleKimg * 1000), NextSnapshotImages = (long)(_o.SnapshotKimg * 1000) };
        SaveCheckpoint();
    }

    /// <summary>Fails on every rank if any rank's G, D or G_ema parameters have drifted from rank 0's.</summary>
    public void CheckReplicas()
    {
        ReplicaConsistency.Check(_run.Comm, G, "G");
        ReplicaConsistency.Check(_run.Comm, D, "D");
        ReplicaConsistency.Check(_run.Comm, GEma, "G_ema");
    }

    /// <summary>One optimisation step over all phases (one global batch of images shown).</summary>
    public void Step()
    {
        var b = RankBatch;
        var step = State.Step;
        G.train(); D.train();
        Func<Tensor, Tensor>? aug = _o.Augment ? Ada.Apply : null;
        Tensor Aug(Tensor x) => aug is null ? x : aug(x);

        // G main: non-saturating logistic through a frozen D.
        SetRequiresGrad(D, false);
        Phase(_optG, G, "loss_g", "G loss", () =>
        {
            var fake = G.Synthesis(MapWithMixing(randn(b, _o.Generator.ZDim), updateAverage: true), NoiseMode.Random);
            var loss = StyleGanLoss.GeneratorLogistic(D.forward(Aug(fake)));
            return (loss, loss);
        });

        // G path-length regularisation (lazy, half batch).
        if (_o.Settings.PlWeight > 0 && step % _o.PlInterval == 0)
        {
            Phase(_optG, G, "pl_penalty", "path-length penalty", () =>
            {
                var pb = Math.Max(1, b / _o.PlBatchShrink);
                var ws = MapWithMixing(randn(pb, _o.Generator.ZDim), updateAverage: false);
                var lengths = StyleGanLoss.PathLengths(G, ws, NoiseMode.Random);
                Span<double> mean = [Scalars.ToDouble(lengths.mean())];
                _run.MeanOverRanks(mean);
                _plMean += (mean[0] - _plMean) * _o.PlDecay;
                var penalty = StyleGanLoss.PathLengthPenalty(lengths, _plMean).mean();
                using var weight = (_o.Settings.PlWeight * _o.PlInterval).ToScalar();
                return (penalty.mul(weight), penalty);
            });
        }

        // D main on detached fakes and reals.
        SetRequiresGrad(D, true);
        using var real = _data.GetBatch(step, _o.Settings.BatchSize, _run.Comm.Rank * b, b);
        Phase(_optD, D, "loss_d", "D loss", () =>
        {
            Tensor fake;
            using (no_grad()) fake = G.Synthesis(MapWithMixing(randn(b, _o.Generator.ZDim), updateAverage: false), NoiseMode.Random);
            var realLogits = D.forward(Aug(real));
            var fakeLogits = D.forward(Aug(fake));
            Ada.Accumulate(realLogits);
            _run.Stats.Report("score_real", Scalars.ToDouble(realLogits.mean()));
            _run.Stats.Report("score_fake", Scalars.ToDouble(fakeLogits.mean()));
            var loss = StyleGanLoss.DiscriminatorLogistic(realLogits, fakeLogits);
            return (loss, loss);
        });

        // D R1 on reals (lazy).
        if (_o.Settings.R1Gamma > 0 && step % _o.R1Interval == 0)
        {
            Phase(_optD, D, "r1_penalty", "R1 penalty", () =>
            {
                var (penalty, _) = StyleGanLoss.R1Penalty(D, real, aug);
                using var weight = (_o.Settings.R1Gamma / 2 * _o.R1Interval).ToScalar();
                return (penalty.mean().mul(weight), penalty.mean());
            });
        }

        // The bound applies after both generator phases, before the EMA copies G (so G_ema stays within it too).
        if (_o.Settings.NoiseStrengthMax is { } noiseMax) G.ClampNoiseStrengths(noiseMax);
        UpdateEma();
        if (_o.Augment)
        {
            // p follows the sign of D's real logits over the global batch: sum the pending counts before adjusting.
            if (_run.WorldSize > 1 && (step + 1) % Ada.Interval == 0)
            {
                var (sum, count) = Ada.PendingSigns;
                Span<double> buf = [sum, count];
                _run.Comm.AllReduceSum(buf);
                Ada.PendingSigns = (buf[0], (long)buf[1]);
            }
            Ada.MaybeAdjust(step, _o.Settings.BatchSize);
        }
        State = State with { Step = step + 1, ImagesShown = State.ImagesShown + _o.Settings.BatchSize, AdaP = Ada.P, PlMean = _plMean,
            AdaSignSum = Ada.PendingSigns.Sum, AdaSignCount = Ada.PendingSigns.Count };
    }

    /// <summary>Loss, backward, gradient average over ranks and optimizer step. The loss values are averaged over ranks
    /// before the finiteness check, so all ranks stop together.</summary>
    private void Phase(ParameterOptimizer opt, nn.Module trained, string stat, string what, Func<(Tensor Loss, Tensor Logged)> compute)
    {
        using (NewDisposeScope())
        {
            var (loss, logged) = compute();
            Span<double> values = [Scalars.ToDouble(logged), Scalars.ToDouble(loss)];
            _run.MeanOverRanks(values);
            var where = $"at step {State.Step} ({State.ImagesShown / 1000.0:F2} kimg)";
            _run.Stats.Report(stat, _run.CheckFinite(values[0], $"{what} {where}"));
            _run.CheckFinite(values[1], $"{what} {where}");
            opt.ZeroGrad();
            loss.backward();
            _run.Reducer.AverageGradients(trained.parameters());
        }
        opt.Step();
    }

    private Tensor MapWithMixing(Tensor z, bool updateAverage)
    {
        var ws = G.Mapping(z, updateAverage: updateAverage);
        if (_o.StyleMixingProb > 0 && Scalars.ToDouble(rand(1)) < _o.StyleMixingProb)
        {
            var cutoff = (int)Scalars.ToInt64(randint(1, G.NumWs, [1]));
            var ws2 = G.Mapping(randn_like(z));
            ws = cat([ws.narrow(1, 0, cutoff), ws2.narrow(1, cutoff, G.NumWs - cutoff)], 1);
        }
        return ws;
    }

    private void UpdateEma()
    {
        var emaImages = _o.EffectiveEmaKimg * 1000;
        if (_o.EmaRampup > 0) emaImages = Math.Min(emaImages, (State.ImagesShown + _o.Settings.BatchSize) * _o.EmaRampup);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var beta = torch.tensor((float)Math.Pow(0.5, _o.Settings.BatchSize / Math.Max(emaImages, 1e-8)));
        foreach (var (ema, src) in _emaPairs)
        {
            if (ema.is_floating_point()) ema.copy_(src.detach().lerp(ema, beta));
            else ema.copy_(src);
        }
    }

    private static void SetRequiresGrad(nn.Module m, bool on)
    {
        foreach (var p in m.parameters()) p.requires_grad = on;
    }

    private void SaveSamples(long images)
    {
        if (!_run.IsRoot) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var imgs = GEma.Forward(_sampleZ);
        Imaging.ImageGrid.SavePng(imgs, Path.Combine(_o.RunDir, $"samples-{images / 1000.0:000000.00}.png".Replace(',', '.')), columns: 8, padding: 1);
    }

    public void Dispose()
    {
        _optG.Dispose(); _optD.Dispose();
        G.Dispose(); GEma.Dispose(); D.Dispose();
        _sampleZ.Dispose();
        _run.Dispose();
    }
}
