using System.Text.Json.Nodes;
using System.Globalization;
using System.Text.Json;
using FaceBoost.Runtime;

namespace FaceBoost.Evaluation;

/// <summary>Settings of <see cref="TrainingVerifier"/>.</summary>
public sealed record TrainingVerifierOptions
{
    /// <summary>Verify every this many optimizer steps (0 = only at epoch ends).</summary>
    public int Every { get; init; }
    /// <summary>Set whose accuracy picks best.fbck; default the first set.</summary>
    public string? BestSet { get; init; }
    /// <summary>Flip-sum embeddings (as insightface's callback reports "Accuracy-Flip").</summary>
    public bool Flip { get; init; } = true;
    public FacePreprocess Preprocess { get; init; } = FacePreprocess.Resize;
    public int BatchSize { get; init; } = 64;
}

/// <summary>One verification round: accuracy ± std per set, and whether the best set reached a new high.</summary>
public sealed record VerificationRound(long Step, int Epoch, IReadOnlyList<(string Set, double Accuracy, double Std)> Results, bool IsBest, double BestAccuracy);

/// <summary>Verification during training, as arcface_torch's CallBackVerification: every <see cref="TrainingVerifierOptions.Every"/>
/// steps and at each epoch end, each set is embedded by the model being trained (flip-summed), scored with the
/// insightface protocol (10 consecutive KFold folds, 0.01 distance grid) and logged — a stats.jsonl line
/// <c>{"step", "epoch", "verify": {set: {"acc", "std"}}, "verify_best": set, "best": bool}</c>, a console line and
/// TensorBoard scalars <c>verify/&lt;set&gt;/acc</c>. The caller keeps best.fbck when <see cref="VerificationRound.IsBest"/>.
/// It also forwards the trainer's loss/accuracy/lr to TensorBoard (<see cref="LogTraining"/>). Not thread-safe; one per run.</summary>
public sealed class TrainingVerifier : IDisposable
{
    private readonly IReadOnlyList<VerificationSet> _sets;
    private readonly TrainingVerifierOptions _o;
    private readonly Action<string>? _log;
    private readonly string? _best;

    public TensorBoardWriter? TensorBoard { get; }
    public double BestAccuracy { get; private set; } = double.NegativeInfinity;
    public IReadOnlyList<VerificationSet> Sets => _sets;

    public const string BestFile = "best.fbck";

    public TrainingVerifier(IReadOnlyList<VerificationSet> sets, TrainingVerifierOptions? options = null, TensorBoardWriter? tensorBoard = null, Action<string>? log = null)
    {
        _sets = sets;
        _o = options ?? new TrainingVerifierOptions();
        if (_o.Every < 0) throw new ArgumentOutOfRangeException(nameof(options), $"--verify-every must be ≥ 0, got {_o.Every}");
        var dup = sets.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"two verification sets are named '{dup.Key}'");
        foreach (var s in sets)
            if (s.PairCount < 10) throw new ArgumentException($"verification set '{s.Name}' has {s.PairCount} pairs; 10-fold accuracy needs at least 10");
        _best = _o.BestSet ?? sets.FirstOrDefault()?.Name;
        if (_o.BestSet is { } b && sets.All(s => s.Name != b))
            throw new ArgumentException($"--verify-best '{b}' is not one of the --verify sets ({string.Join(", ", sets.Select(s => s.Name))})");
        TensorBoard = tensorBoard;
        _log = log;
    }

    public bool HasSets => _sets.Count > 0;

    /// <summary>True when a round is due after <paramref name="step"/> (1-based count of steps done).</summary>
    public bool Due(long step, bool endOfEpoch) => HasSets && (endOfEpoch || (_o.Every > 0 && step % _o.Every == 0));

    /// <summary>Forwards training figures to TensorBoard (no-op without it).</summary>
    public void LogTraining(long step, double loss, double accuracy, double learningRate) =>
        TensorBoard?.Scalars(step, ("train/loss", loss), ("train/accuracy", accuracy), ("train/lr", learningRate));

    /// <summary>Runs every set through <paramref name="embedder"/> and logs; hands one stats row to <paramref name="writeStats"/> when given.</summary>
    public VerificationRound Run(IFaceEmbedder embedder, long step, int epoch, Action<JsonObject>? writeStats = null, CancellationToken cancel = default)
    {
        var results = new List<(string, double, double)>();
        foreach (var set in _sets)
        {
            var m = Measure(set, embedder, cancel);
            results.Add((set.Name, m.KFold.Mean, m.KFold.Std));
            _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"[{set.Name}][{step}] Accuracy-Flip: {m.KFold.Mean:0.00000}+-{m.KFold.Std:0.00000}"));
            TensorBoard?.Scalars(step, ($"verify/{set.Name}/acc", m.KFold.Mean), ($"verify/{set.Name}/std", m.KFold.Std));
        }
        bool isBest = false;
        if (_best is not null)
        {
            var acc = results.First(r => r.Item1 == _best).Item2;
            if (acc > BestAccuracy) { BestAccuracy = acc; isBest = true; }
            _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"[{_best}][{step}] Highest Accuracy-Flip: {BestAccuracy:0.00000}{(isBest ? " (new best)" : "")}"));
        }
        if (writeStats is not null)
        {
            var verify = new JsonObject();
            foreach (var (set, acc, std) in results) verify[set] = new JsonObject { ["acc"] = acc, ["std"] = std };
            writeStats(new JsonObject
            {
                ["step"] = step, ["epoch"] = epoch, ["verify"] = verify,
                ["verify_protocol"] = "insightface", ["verify_flip"] = _o.Flip, ["verify_best"] = _best, ["best"] = isBest,
            });
        }
        return new VerificationRound(step, epoch, results, isBest, BestAccuracy);
    }

    /// <summary>The insightface-protocol metrics of one set.</summary>
    public VerificationMetrics Measure(VerificationSet set, IFaceEmbedder embedder, CancellationToken cancel = default)
    {
        var emb = new float[set.ImageCount][];
        int size = embedder.InputSize, batch = Math.Max(1, _o.BatchSize);
        for (int start = 0; start < set.ImageCount; start += batch)
        {
            cancel.ThrowIfCancellationRequested();
            int n = Math.Min(batch, set.ImageCount - start);
            var faces = new Imaging.RgbImage[n];
            Parallel.For(0, n, i => faces[i] = FacePreprocessor.Apply(set.LoadImage(start + i), _o.Preprocess, size));
            var inputs = _o.Flip ? [.. faces, .. faces.Select(Imaging.ImageOps.FlipHorizontal)] : faces.ToList();
            var e = embedder.Embed(inputs);
            for (int i = 0; i < n; i++)
            {
                var v = (float[])e[i].Clone();
                if (_o.Flip) for (int d = 0; d < v.Length; d++) v[d] += e[n + i][d];
                if (!EmbeddingExtractor.Normalize(v)) throw new InvalidOperationException($"{set.Name}: image {start + i} gave a zero or non-finite embedding (the model diverged?)");
                emb[start + i] = v;
            }
        }
        var scores = Enumerable.Range(0, set.PairCount).Select(p => EmbeddingExtractor.Cosine(emb[set.PairA[p]], emb[set.PairB[p]])).ToArray();
        return VerificationMetrics.Compute(scores, set.Same, new MetricsOptions
        {
            Protocol = VerificationProtocol.Insightface, FoldScheme = FoldScheme.Consecutive, Folds = 10, FarTargets = [],
        });
    }

    /// <summary>Copies <paramref name="checkpoint"/> to <see cref="BestFile"/> in <paramref name="runDir"/>, atomically.</summary>
    public static void KeepBest(string checkpoint, string runDir)
    {
        AtomicFile.Write(Path.Combine(runDir, BestFile), s => { using var f = File.OpenRead(checkpoint); f.CopyTo(s); });
    }

    public void Dispose() => TensorBoard?.Dispose();
}
