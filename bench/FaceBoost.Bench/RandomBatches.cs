using FaceBoost.Training;
using static TorchSharp.torch;

namespace FaceBoost.Bench;

/// <summary>Fixed random batches held in memory for training benches; the trainer disposes each batch, so each is a copy.</summary>
internal sealed class RandomBatches(int batch, int size, int classes, int count) : ITrainBatchSource
{
    private readonly Tensor _images = randn(batch, 3, size, size);
    private readonly Tensor _labels = randint(0, classes, [batch], dtype: ScalarType.Int64);
    public int NumClasses => classes;
    public int BatchesPerEpoch => count;
    public IReadOnlyList<string>? Identities => null;
    public (float Mean, float Std) Normalization => (0.5f, 0.5f);

    public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch)
    {
        for (var b = startBatch; b < count; b++) yield return new TrainBatch(_images.clone(), _labels.clone(), b);
    }
}
