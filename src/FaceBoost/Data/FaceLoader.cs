using System.Collections.Concurrent;
using FaceBoost.Imaging;
using FaceBoost.Runtime;
using TorchSharp;

namespace FaceBoost.Data;

/// <summary>Streams a <see cref="FaceDataset"/> as batches decoded and augmented on worker threads.
/// <list type="bullet">
/// <item>Order: a seeded permutation per (Seed, epoch) (or file order without Shuffle); augmentation randomness
/// per (Seed, epoch, sample index). So an epoch's batches are identical whatever the worker count or scheduling,
/// and <c>Epoch(e, startBatch: k)</c> yields exactly batches k.. of <c>Epoch(e)</c> (resume).</item>
/// <item>Sharding: with WorldSize W, global batch k (B×W samples of the permutation) is cut into W consecutive
/// slices and rank r takes slice r; the ranks' batches together are one single-process epoch with batch B×W.
/// Without DropLast the final partial global batch is dealt in equal slices of ⌈rest/W⌉, wrapping round to the
/// start of the permutation when short, so every rank has the same number of batches.</item>
/// <item>Memory: at most <see cref="LoaderOptions.Prefetch"/> batches are claimed-but-unconsumed at a time
/// (being built or waiting); images are decoded when needed and never cached.</item>
/// <item>Bad files: a file that fails to decode (corrupt, missing, unreadable, over <see cref="ImageDecoder.MaxPixels"/>, or
/// out of memory on that one file) is reported once (callback and
/// <see cref="Problems"/>, in plan order), remembered and left out; its batch is just smaller (batches are
/// never topped up from elsewhere, which keeps them deterministic). A batch with no usable image is not
/// yielded. If none of the first 256 samples tried (or the whole epoch) decodes, the loader throws.</item>
/// </list></summary>
public sealed class FaceLoader : IDisposable
{
    private const int GiveUpAfterFailures = 256;

    private readonly ConcurrentDictionary<string, string> _bad = new(StringComparer.Ordinal);
    private readonly List<DatasetProblem> _problems = [];
    private readonly Action<DatasetProblem>? _onProblem;
    private readonly HashSet<EpochRun> _runs = [];
    private long _decodedEver, _failedEver;
    private bool _disposed;

    public FaceDataset Dataset { get; }
    public LoaderOptions Options { get; }
    public ImageTransform Transform { get; }
    /// <summary>Batches this rank gets per epoch (including any batch that turns out empty because of bad files).</summary>
    public int BatchesPerEpoch { get; }
    /// <summary>Distinct files that failed to decode so far.</summary>
    public int SkippedFiles => _bad.Count;
    /// <summary>The failures so far, each file once.</summary>
    public IReadOnlyList<DatasetProblem> Problems { get { lock (_problems) return _problems.ToArray(); } }

    public FaceLoader(FaceDataset dataset, LoaderOptions options, ImageTransform? transform = null, Action<DatasetProblem>? onProblem = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        transform ??= ImageTransform.Plain();
        transform.Validate();
        if (dataset.Count == 0) throw new InvalidOperationException($"{dataset.Name}: the dataset has no images");
        Dataset = dataset; Options = options; Transform = transform; _onProblem = onProblem;
        long global = (long)options.BatchSize * options.WorldSize;
        BatchesPerEpoch = (int)(options.DropLast ? dataset.Count / global : (dataset.Count + global - 1) / global);
        if (BatchesPerEpoch == 0)
            throw new InvalidOperationException($"{dataset.Name}: {dataset.Count} images are fewer than one batch of {options.BatchSize}" +
                (options.WorldSize > 1 ? $" × {options.WorldSize} ranks" : "") + " with DropLast; use a smaller batch or DropLast = false");
        TorchRuntime.Initialize();
    }

    /// <summary>The sample indexes of each of this rank's batches in an epoch (no decoding).</summary>
    public int[][] Plan(int epoch)
    {
        int n = Dataset.Count, b = Options.BatchSize, w = Options.WorldSize, r = Options.Rank;
        int[] perm = Options.Shuffle ? new SeededRandom(Options.Seed, epoch, 0xE90C).Permutation(n) : Enumerable.Range(0, n).ToArray();
        int global = b * w, full = n / global;
        var plan = new int[BatchesPerEpoch][];
        for (int k = 0; k < full && k < plan.Length; k++) plan[k] = perm.AsSpan((k * w + r) * b, b).ToArray();
        if (plan.Length > full)
        {
            int rest = n - full * global, slice = (rest + w - 1) / w, start = full * global + r * slice;
            var last = new int[slice];
            for (int i = 0; i < slice; i++) last[i] = perm[(start + i) % n];
            plan[full] = last;
        }
        return plan;
    }

    /// <summary>The batches of an epoch, from <paramref name="startBatch"/> on, in plan order. Dispose each batch
    /// (or its tensors). Stopping early (break) stops the workers.</summary>
    public IEnumerable<FaceBatch> Epoch(int epoch, int startBatch = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (startBatch < 0 || startBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startBatch), $"{startBatch} outside 0..{BatchesPerEpoch}");
        return Iterate(epoch, startBatch);
    }

    private IEnumerable<FaceBatch> Iterate(int epoch, int startBatch)
    {
        var plan = Plan(epoch);
        long decodedThisEpoch = 0;
        if (Options.Workers == 0)
        {
            for (int k = startBatch; k < plan.Length; k++)
            {
                var built = Build(plan[k], epoch, k);
                var batch = Accept(built, ref decodedThisEpoch);
                if (batch != null) yield return batch;
            }
        }
        else
        {
            var run = new EpochRun(this, plan, epoch, startBatch);
            lock (_runs) _runs.Add(run);
            try
            {
                for (int k = startBatch; k < plan.Length; k++)
                {
                    var batch = Accept(run.Take(k), ref decodedThisEpoch);
                    if (batch != null) yield return batch;
                }
            }
            finally
            {
                run.Dispose();
                lock (_runs) _runs.Remove(run);
            }
        }
        if (decodedThisEpoch == 0 && plan.Length > startBatch)
            throw NoUsableImages();
    }

    /// <summary>Decodes and augments one batch on the calling thread (no workers); null if no image of it decodes.</summary>
    public FaceBatch? LoadBatch(int[] sampleIndices, int epoch = 0, int batchIndex = 0)
    {
        long ignored = 0;
        return Accept(Build(sampleIndices, epoch, batchIndex), ref ignored);
    }

    /// <summary>Consumer side: reports the batch's problems in plan order and applies the no-usable-image rule.</summary>
    private FaceBatch? Accept(BuiltBatch built, ref long decodedThisEpoch)
    {
        foreach (var p in built.Problems)
        {
            lock (_problems) _problems.Add(p);
            _onProblem?.Invoke(p);
        }
        decodedThisEpoch += built.Decoded;
        long ok = Interlocked.Add(ref _decodedEver, built.Decoded);
        long bad = Interlocked.Add(ref _failedEver, built.Failed);
        if (ok == 0 && bad >= Math.Min(GiveUpAfterFailures, Dataset.Count))
            throw NoUsableImages();
        return built.Staged?.ToTensors();
    }

    private InvalidOperationException NoUsableImages()
    {
        var first = Problems.Take(3).Select(p => p.ToString());
        return new InvalidOperationException($"{Dataset.Name}: no usable image — every image tried failed to decode ({SkippedFiles} files). " +
            $"First: {string.Join("; ", first)}");
    }

    internal sealed record BuiltBatch(StagedBatch? Staged, int Decoded, int Failed, IReadOnlyList<DatasetProblem> Problems);

    /// <summary>A decoded batch in managed memory. Workers stop here: the tensors are made on the consuming thread,
    /// so libtorch is only ever called from the training thread (tensors made on worker threads and used on the
    /// trainer's led to intermittent native corruption — "integral input tensors" inside a residual add — that
    /// disappeared with no workers).</summary>
    internal sealed record StagedBatch(float[] Pixels, long[] Labels, int[] Samples, int Size, int BatchIndex, int Epoch)
    {
        public FaceBatch ToTensors() => new(
            torch.tensor(Pixels, [Samples.Length, 3, Size, Size], dtype: torch.float32),
            torch.tensor(Labels, [Samples.Length], dtype: torch.int64),
            Samples, BatchIndex, Epoch);
    }

    /// <summary>Decodes, augments and stacks one batch in managed memory. Thread-safe; called on worker threads.</summary>
    internal BuiltBatch Build(int[] indices, int epoch, int batchIndex)
    {
        int s = Transform.Size, per = 3 * s * s;
        var buffer = new float[indices.Length * per];
        var kept = new List<int>(indices.Length);
        var problems = new List<DatasetProblem>();
        int failed = 0;
        foreach (int i in indices)
        {
            var sample = Dataset.Samples[i];
            if (_bad.ContainsKey(sample.Path)) { failed++; continue; }
            RgbImage img;
            try { img = ImageDecoder.Decode(sample.Path, Transform.MinDecodeSide); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Any decoder failure (corrupt, truncated, over the pixel cap, missing, unreadable, or out of memory on
                // this one file) is the file's fault, not the run's: it is reported once and skipped from then on.
                var reason = FileProblems.Reason(ex);
                if (_bad.TryAdd(sample.Path, reason)) problems.Add(new DatasetProblem(sample.Path, reason));
                failed++;
                continue;
            }
            var t = Transform.Apply(img, Options.Seed, epoch, i);
            TensorImages.Normalise(t.Pixels, buffer.AsSpan(kept.Count * per, per), Transform.Mean, Transform.Std);
            kept.Add(i);
        }
        if (kept.Count == 0) return new BuiltBatch(null, 0, failed, problems);
        if (kept.Count < indices.Length) Array.Resize(ref buffer, kept.Count * per);
        var labels = kept.Select(i => (long)Dataset.Samples[i].Label).ToArray();
        return new BuiltBatch(new StagedBatch(buffer, labels, kept.ToArray(), s, batchIndex, epoch), kept.Count, failed, problems);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        EpochRun[] runs;
        lock (_runs) runs = _runs.ToArray();
        foreach (var r in runs) r.Dispose();
    }

    /// <summary>One epoch's worker threads: they claim batch numbers in order, at most Prefetch ahead of the consumer.</summary>
    private sealed class EpochRun : IDisposable
    {
        private readonly FaceLoader _loader;
        private readonly int[][] _plan;
        private readonly int _epoch;
        private readonly BuiltBatch?[] _done;
        private readonly SemaphoreSlim _window;
        private readonly CancellationTokenSource _cancel = new();
        private readonly Thread[] _threads;
        private readonly object _gate = new();
        private int _next;
        private Exception? _error;
        private bool _disposed;

        public EpochRun(FaceLoader loader, int[][] plan, int epoch, int startBatch)
        {
            _loader = loader; _plan = plan; _epoch = epoch; _next = startBatch;
            _done = new BuiltBatch?[plan.Length];
            _window = new SemaphoreSlim(loader.Options.Prefetch, loader.Options.Prefetch);
            int workers = Math.Min(loader.Options.Workers, Math.Max(1, plan.Length - startBatch));
            _threads = new Thread[workers];
            for (int i = 0; i < workers; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = $"FaceLoader-{i}" };
                _threads[i].Start();
            }
        }

        private void Work()
        {
            var token = _cancel.Token;
            try
            {
                while (true)
                {
                    _window.Wait(token);
                    int k = Interlocked.Increment(ref _next) - 1;
                    if (k >= _plan.Length) { _window.Release(); return; }
                    var built = _loader.Build(_plan[k], _epoch, k);
                    lock (_gate)
                    {
                        if (_disposed) return;
                        _done[k] = built;
                        Monitor.PulseAll(_gate);
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception ex)
            {
                lock (_gate) { _error ??= ex; Monitor.PulseAll(_gate); }
            }
        }

        public BuiltBatch Take(int k)
        {
            lock (_gate)
            {
                while (_done[k] == null)
                {
                    if (_error != null) throw new InvalidOperationException($"loader worker failed on {_loader.Dataset.Name}: {_error.Message}", _error);
                    Monitor.Wait(_gate);
                }
                var b = _done[k]!;
                _done[k] = null;
                _window.Release();
                return b;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                Array.Clear(_done);
            }
            _cancel.Cancel();
            foreach (var t in _threads) t.Join();
            _cancel.Dispose();
            _window.Dispose();
        }
    }
}
