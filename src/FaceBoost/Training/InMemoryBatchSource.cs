using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Batches from tensors already in memory (tests, benchmarks, small sets): a seeded shuffle per epoch,
/// full batches only, and an optional horizontal flip decided per (seed, epoch, sample position).</summary>
public sealed class InMemoryBatchSource : ITrainBatchSource, IDisposable
{
    private readonly Tensor _images;
    private readonly long[] _labels;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly bool _flip;

    /// <param name="images">N×C×S×S normalised images (copied).</param>
    public InMemoryBatchSource(Tensor images, long[] labels, int numClasses, int batchSize, int seed, bool flip = false,
        (float, float)? normalization = null, IReadOnlyList<string>? identities = null)
    {
        if (images.dim() != 4 || images.shape[0] != labels.Length)
            throw new ArgumentException($"images must be N×C×H×W with N = {labels.Length} labels, got [{string.Join("×", images.shape)}]");
        if (labels.Any(l => l < 0 || l >= numClasses)) throw new ArgumentException($"labels must lie in [0, {numClasses})");
        if (batchSize < 1 || batchSize > labels.Length) throw new ArgumentException($"batch size {batchSize} must be in [1, {labels.Length}]");
        // Each temporary is held by a local until the next call has used it: a chained `detach().clone()` outside a
        // scope lets the GC finalize the detach() wrapper while clone() reads it (docs/torchsharp-hazards.md §1b).
        using (var detached = images.detach()) _images = detached.clone();
        _labels = labels;
        _batchSize = batchSize;
        _seed = seed;
        _flip = flip;
        NumClasses = numClasses;
        Normalization = normalization ?? (0.5f, 0.5f);
        Identities = identities;
    }

    public int NumClasses { get; }
    public int BatchesPerEpoch => _labels.Length / _batchSize;
    public IReadOnlyList<string>? Identities { get; }
    public (float Mean, float Std) Normalization { get; }

    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, _labels.Length).ToArray();
        new FaceBoost.Data.SeededRandom(_seed, epoch, 0x5eed).Shuffle(order); // process-independent (not HashCode.Combine)
        return order;
    }

    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch)
    {
        var order = Order(epoch);
        // Each batch is built in a plain method: a dispose scope must never stay open across a `yield`
        // (the consumer's scopes would nest inside it and be torn down out of order).
        for (var b = startBatch; b < BatchesPerEpoch; b++)
            yield return Build(order, epoch, b);
    }

    private TrainBatch Build(int[] order, int epoch, int b)
    {
        var idx = order.AsSpan(b * _batchSize, _batchSize).ToArray();
        using var scope = NewDisposeScope();
        var images = _images.index_select(0, tensor(idx.Select(i => (long)i).ToArray()));
        if (_flip)
        {
            var rng = new FaceBoost.Data.SeededRandom(_seed, epoch, b, 0xf11b);
            var flips = idx.Select(_ => rng.NextInt(2) == 1).ToArray();
            if (flips.Any(f => f))
            {
                var mask = tensor(flips).view(-1, 1, 1, 1);
                images = where(mask, images.flip(3), images);
            }
        }
        var labels = tensor(idx.Select(i => _labels[i]).ToArray());
        return new TrainBatch(images.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), b);
    }

    public void Dispose() => _images.Dispose();
}
