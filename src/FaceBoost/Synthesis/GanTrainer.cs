using FaceBoost.Runtime;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceBoost.Distributed;
using TorchSharp;
using static TorchSharp.torch;
using Adam = TorchSharp.Modules.Adam;

namespace FaceBoost.Synthesis;

/// <summary>StyleGAN2-ADA training loop (phases as in stylegan2-ada-pytorch): G main, G path length (lazy),
/// D main, D R1 (lazy); G EMA; ADA p update; stats.jsonl, sample grids, atomic resumable checkpoints.
/// Data-parallel over an <see cref="ICommunicator"/> as stylegan2-ada does it: <see cref="GanTrainOptions.BatchSize"/>
/// is the global batch, each rank draws its own latents and takes its slice of the global real batch, gradients
/// (and the ADA/path-length statistics) are averaged every phase, and rank 0 alone measures, logs and checkpoints.</summary>
public sealed class GanTrainer : IDisposable
{
    public const string CheckpointFile = "checkpoint.fbgan";
    private readonly GanTrainOptions _o;
    private readonly FaceImageSet _data;
    private readonly FrechetEvaluator? _fd;
    private readonly Adam _optG, _optD;
    private readonly List<(Tensor Ema, Tensor Src)> _emaPairs;
    private readonly Tensor _sampleZ;
    private double _plMean;
    private readonly Accum _acc = new();
    private readonly ICommunicator _comm;
    private readonly GradientAllReducer _reducer;

    public StyleGenerator G { get; }
    public StyleGenerator GEma { get; }
    public StyleDiscriminator D { get; }
    public AdaptiveAugment Ada { get; }
    public GanTrainState State { get; private set; }
    public string CheckpointPath => Path.Combine(_o.RunDir, CheckpointFile);
    public string StatsPath => Path.Combine(_o.RunDir, "stats.jsonl");

    /// <param name="communicator">Peers to train with (the caller owns it); null = a single process.</param>
    public GanTrainer(GanTrainOptions options, FaceImageSet data, FrechetEvaluator? frechet = null, ICommunicator? communicator = null)
    {
        options.Validate();
        _comm = communicator ?? LocalCommunicator.Instance;
        options.ValidateParallel(_comm.WorldSize);
        _reducer = new GradientAllReducer(_comm);
        FaceBoost.Runtime.TorchRuntime.Initialize();
        if (data.Resolution != options.Generator.Resolution)
            throw new ArgumentException($"data resolution {data.Resolution} differs from generator resolution {options.Generator.Resolution}");
        _o = options; _data = data; _fd = frechet;
        torch.manual_seed(options.Seed);
        G = new StyleGenerator(options.Generator);
        D = new StyleDiscriminator(DiscriminatorOptions.MatchingGenerator(options.Generator));
        GEma = G.Clone();
        GEma.eval();
        foreach (var p in GEma.parameters()) p.requires_grad = false;
        _optG = MakeAdam(G.parameters(), options.LrG, options.PlWeight > 0 ? options.PlInterval : 0);
        _optD = MakeAdam(D.parameters(), options.LrD, options.R1Gamma > 0 ? options.R1Interval : 0);
        var src = G.state_dict();
        _emaPairs = GEma.state_dict().Select(kv => (kv.Value, src[kv.Key])).ToList();
        Ada = new AdaptiveAugment(options.AdaTarget, options.AdaInterval, options.AdaKimg);
        _sampleZ = LatentSeeds.Z(Enumerable.Range(0, options.SampleGridSize), options.Generator.ZDim);
        State = new GanTrainState(0, 0, 0, 0, 0, 0);
        if (_comm.WorldSize > 1)
        {
            // Same seed gives the same initial weights already; broadcasting makes it a guarantee. Then each rank
            // needs its own latents, noise and augmentations, or the ranks would just repeat one another's work.
            _reducer.BroadcastFromRoot(G); _reducer.BroadcastFromRoot(D); _reducer.BroadcastFromRoot(GEma);
            if (_comm.Rank > 0) torch.manual_seed(options.Seed + 1_000_003L * _comm.Rank);
        }
    }

    /// <summary>This rank's share of the global batch.</summary>
    private int RankBatch => _o.BatchSize / _comm.WorldSize;

    /// <summary>Adam with the lazy-regularisation correction: lr·k/(k+1), β^(k/(k+1)) for interval k.</summary>
    private static Adam MakeAdam(IEnumerable<TorchSharp.Modules.Parameter> ps, double lr, int regInterval)
    {
        var ratio = regInterval > 0 ? regInterval / (regInterval + 1.0) : 1.0;
        // TorchSharp's Adam.step() creates unheld Scalars. Kept until the shared optimizer base replaces it, because its
        // state is part of the .fbgan format (docs/torchsharp-hazards.md, "Known exception").
#pragma warning disable RS0030
        return optim.Adam(ps, lr * ratio, Math.Pow(0, ratio), Math.Pow(0.99, ratio), 1e-8);
#pragma warning restore RS0030
    }

    /// <summary>Loads run-dir/checkpoint.fbgan if present; returns whether it did. Stats lines written after
    /// that checkpoint (e.g. before a SIGKILL) are dropped so the log continues cleanly.</summary>
    public bool TryResume()
    {
        if (!File.Exists(CheckpointPath)) return false;
        State = GanCheckpoint.LoadTraining(CheckpointPath, GEma, G, D, _optG, _optD);
        Ada.P = State.AdaP;
        // Every rank loads rank 0's checkpoint; the pending ADA signs are rank 0's partial sums, so the others start
        // theirs from zero (they are summed over ranks when p is next adjusted).
        Ada.PendingSigns = _comm.IsRoot ? (State.AdaSignSum, State.AdaSignCount) : (0, 0);
        _plMean = State.PlMean;
        if (_comm.IsRoot) FaceBoost.Runtime.StatsLog.DropAfter(StatsPath, "kimg", State.ImagesShown / 1000.0 + 1e-9);
        return true;
    }

    /// <summary>Writes the checkpoint (rank 0 only; the others keep training state in memory).</summary>
    public void SaveCheckpoint()
    {
        if (!_comm.IsRoot) return;
        State = State with { AdaP = Ada.P, PlMean = _plMean, AdaSignSum = Ada.PendingSigns.Sum, AdaSignCount = Ada.PendingSigns.Count };
        GanCheckpoint.Save(CheckpointPath, GEma, new GanCheckpoint.Training(G, D, _optG, _optD, State));
    }

    /// <summary>Trains until TotalKimg (continuing the kimg counter of a resumed run).</summary>
    public GanTrainState Run(IProgress<GanProgress>? progress = null, CancellationToken ct = default)
    {
        var root = _comm.IsRoot;
        if (root)
        {
            Directory.CreateDirectory(_o.RunDir);
            var optionsPath = Path.Combine(_o.RunDir, "options.json");
            if (!File.Exists(optionsPath))
                File.WriteAllText(optionsPath, JsonSerializer.Serialize(_o, new JsonSerializerOptions { WriteIndented = true }));
        }
        var total = (long)(_o.TotalKimg * 1000);
        if (State.Step == 0)
        {
            double? fd0 = root ? _fd?.Measure(GEma) : null;
            State = State with { InitialFrechetDistance = fd0 };
            WriteStats(new JsonObject { ["kimg"] = 0.0, ["step"] = 0, ["fd"] = fd0, ["fd_features"] = _fd?.FeatureName, ["ada_p"] = 0.0 });
            SaveSamples(0);
            State = State with { NextSampleImages = (long)(_o.SampleKimg * 1000), NextSnapshotImages = (long)(_o.SnapshotKimg * 1000) };
            SaveCheckpoint();
        }
        var nextLog = State.ImagesShown + (long)(_o.LogKimg * 1000);
        var clock = Stopwatch.StartNew();
        long imagesSinceLog = 0;
        while (State.ImagesShown < total && !ct.IsCancellationRequested)
        {
            Step();
            imagesSinceLog += _o.BatchSize;
            var done = State.ImagesShown >= total;
            double? fd = null;
            if (State.ImagesShown >= nextLog || done || State.ImagesShown >= State.NextSnapshotImages)
            {
                var ips = imagesSinceLog / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                if (State.ImagesShown >= State.NextSnapshotImages || done)
                {
                    fd = root ? _fd?.Measure(GEma) : null;
                    CheckReplicas();
                }
                var line = _acc.Flush(State, Ada, _plMean, fd, ips);
                WriteStats(line);
                progress?.Report(new GanProgress(State.ImagesShown / 1000.0, _o.TotalKimg, line["loss_g"]?.GetValue<double>() ?? 0,
                    line["loss_d"]?.GetValue<double>() ?? 0, Ada.P, fd, ips));
                if (State.ImagesShown >= State.NextSampleImages || done)
                {
                    SaveSamples(State.ImagesShown);
                    State = State with { NextSampleImages = State.NextSampleImages + (long)(_o.SampleKimg * 1000) };
                }
                if (State.ImagesShown >= State.NextSnapshotImages || done)
                {
                    State = State with { NextSnapshotImages = State.NextSnapshotImages + (long)(_o.SnapshotKimg * 1000) };
                    SaveCheckpoint();
                }
                nextLog = State.ImagesShown + (long)(_o.LogKimg * 1000);
                imagesSinceLog = 0;
                clock.Restart();
            }
        }
        if (ct.IsCancellationRequested) SaveCheckpoint();
        return State;
    }

    /// <summary>Fails on every rank if any rank's G, D or G_ema parameters have drifted from rank 0's.</summary>
    public void CheckReplicas()
    {
        ReplicaConsistency.Check(_comm, G, "G");
        ReplicaConsistency.Check(_comm, D, "D");
        ReplicaConsistency.Check(_comm, GEma, "G_ema");
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
        if (_o.PlWeight > 0 && step % _o.PlInterval == 0)
        {
            Phase(_optG, G, "pl_penalty", "path-length penalty", () =>
            {
                var pb = Math.Max(1, b / _o.PlBatchShrink);
                var ws = MapWithMixing(randn(pb, _o.Generator.ZDim), updateAverage: false);
                var lengths = StyleGanLoss.PathLengths(G, ws, NoiseMode.Random);
                _plMean += (MeanOverRanks(Scalars.ToDouble(lengths.mean())) - _plMean) * _o.PlDecay;
                var penalty = StyleGanLoss.PathLengthPenalty(lengths, _plMean).mean();
                using var weight = (_o.PlWeight * _o.PlInterval).ToScalar();
                return (penalty.mul(weight), penalty);
            });
        }

        // D main on detached fakes and reals.
        SetRequiresGrad(D, true);
        using var real = _data.GetBatch(step, _o.BatchSize, _comm.Rank * b, b);
        Phase(_optD, D, "loss_d", "D loss", () =>
        {
            Tensor fake;
            using (no_grad()) fake = G.Synthesis(MapWithMixing(randn(b, _o.Generator.ZDim), updateAverage: false), NoiseMode.Random);
            var realLogits = D.forward(Aug(real));
            var fakeLogits = D.forward(Aug(fake));
            Ada.Accumulate(realLogits);
            _acc.Add("score_real", Scalars.ToDouble(realLogits.mean()));
            _acc.Add("score_fake", Scalars.ToDouble(fakeLogits.mean()));
            var loss = StyleGanLoss.DiscriminatorLogistic(realLogits, fakeLogits);
            return (loss, loss);
        });

        // D R1 on reals (lazy).
        if (_o.R1Gamma > 0 && step % _o.R1Interval == 0)
        {
            Phase(_optD, D, "r1_penalty", "R1 penalty", () =>
            {
                var (penalty, _) = StyleGanLoss.R1Penalty(D, real, aug);
                using var weight = (_o.R1Gamma / 2 * _o.R1Interval).ToScalar();
                return (penalty.mean().mul(weight), penalty.mean());
            });
        }

        UpdateEma();
        if (_o.Augment)
        {
            // p follows the sign of D's real logits over the global batch: sum the pending counts before adjusting.
            if (_comm.WorldSize > 1 && (step + 1) % Ada.Interval == 0)
            {
                var (sum, count) = Ada.PendingSigns;
                Span<double> buf = [sum, count];
                _comm.AllReduceSum(buf);
                Ada.PendingSigns = (buf[0], (long)buf[1]);
            }
            Ada.MaybeAdjust(step, _o.BatchSize);
        }
        State = State with { Step = step + 1, ImagesShown = State.ImagesShown + _o.BatchSize, AdaP = Ada.P, PlMean = _plMean,
            AdaSignSum = Ada.PendingSigns.Sum, AdaSignCount = Ada.PendingSigns.Count };
    }

    /// <summary>Loss, backward, gradient average over ranks and optimizer step. The dispose scope covers only the
    /// graph: Adam creates its moment tensors lazily in step(), so step() must run outside it or the state would be
    /// freed. The loss values are averaged over ranks before the finiteness check, so all ranks stop together.</summary>
    private void Phase(Adam opt, nn.Module trained, string stat, string what, Func<(Tensor Loss, Tensor Logged)> compute)
    {
        using (NewDisposeScope())
        {
            var (loss, logged) = compute();
            Span<double> values = [Scalars.ToDouble(logged), Scalars.ToDouble(loss)];
            if (_comm.WorldSize > 1)
            {
                _comm.AllReduceSum(values);
                values[0] /= _comm.WorldSize; values[1] /= _comm.WorldSize;
            }
            _acc.Add(stat, CheckFinite(values[0], what));
            CheckFinite(values[1], what);
            opt.zero_grad();
            loss.backward();
            _reducer.AverageGradients(trained.parameters());
        }
        opt.step();
    }

    private double MeanOverRanks(double value)
    {
        if (_comm.WorldSize == 1) return value;
        Span<double> buf = [value];
        _comm.AllReduceSum(buf);
        return buf[0] / _comm.WorldSize;
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
        if (_o.EmaRampup > 0) emaImages = Math.Min(emaImages, (State.ImagesShown + _o.BatchSize) * _o.EmaRampup);
        var beta = Math.Pow(0.5, _o.BatchSize / Math.Max(emaImages, 1e-8));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (ema, src) in _emaPairs)
        {
            if (ema.is_floating_point()) ema.copy_(src.detach().lerp(ema, beta));
            else ema.copy_(src);
        }
    }

    private double CheckFinite(double v, string what)
    {
        if (!double.IsFinite(v))
            throw new GanDivergedException($"{what} became {v} at step {State.Step} ({State.ImagesShown / 1000.0:F2} kimg); " +
                $"training stopped, last good checkpoint kept at {CheckpointPath}");
        return v;
    }

    private static void SetRequiresGrad(nn.Module m, bool on)
    {
        foreach (var p in m.parameters()) p.requires_grad = on;
    }

    private void SaveSamples(long images)
    {
        if (!_comm.IsRoot) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var imgs = GEma.Forward(_sampleZ);
        ImageGridWriter.Save(imgs, Path.Combine(_o.RunDir, $"samples-{images / 1000.0:000000.00}.png".Replace(',', '.')), columns: 8);
    }

    private void WriteStats(JsonObject line)
    {
        if (!_comm.IsRoot) return;
        File.AppendAllText(StatsPath, line.ToJsonString() + "\n");
    }

    public void Dispose()
    {
        _optG.Dispose(); _optD.Dispose();
        G.Dispose(); GEma.Dispose(); D.Dispose();
        _sampleZ.Dispose();
    }

    /// <summary>Means of per-step scalars between two log lines.</summary>
    private sealed class Accum
    {
        private readonly Dictionary<string, (double Sum, int N)> _v = new();
        public void Add(string k, double x) { _v.TryGetValue(k, out var s); _v[k] = (s.Sum + x, s.N + 1); }
        public JsonObject Flush(GanTrainState s, AdaptiveAugment ada, double plMean, double? fd, double ips)
        {
            var o = new JsonObject { ["kimg"] = Math.Round(s.ImagesShown / 1000.0, 4), ["step"] = s.Step };
            foreach (var (k, (sum, n)) in _v) o[k] = Math.Round(sum / n, 5);
            o["pl_mean"] = Math.Round(plMean, 5);
            o["ada_p"] = Math.Round(ada.P, 5);
            o["r_t"] = ada.LastRt is { } rt ? Math.Round(rt, 4) : null;
            if (fd is not null) o["fd"] = Math.Round(fd.Value, 5);
            o["images_per_s"] = Math.Round(ips, 2);
            _v.Clear();
            return o;
        }
    }
}
