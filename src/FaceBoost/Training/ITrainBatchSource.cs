using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Where training batches come from. <see cref="Epoch"/> must be a pure function of (epoch, startBatch)
/// — same order and same augmentation every time it is asked — which is what makes resume exact.</summary>
public interface ITrainBatchSource
{
    int NumClasses { get; }
    int BatchesPerEpoch { get; }
    /// <summary>Identity names by label, if known (stored in checkpoints for inspection).</summary>
    IReadOnlyList<string>? Identities { get; }
    /// <summary>Mean and std applied to [0, 1] pixels (stored in checkpoints so embedders normalise alike).</summary>
    (float Mean, float Std) Normalization { get; }
    IEnumerable<TrainBatch> Epoch(int epoch, int startBatch);
}

/// <summary>One batch of N×C×S×S normalised images and N int64 labels; owns both tensors.</summary>
public sealed class TrainBatch(Tensor images, Tensor labels, int batchIndex) : IDisposable
{
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;
    public int BatchIndex { get; } = batchIndex;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
