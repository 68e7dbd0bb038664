using static TorchSharp.torch;

namespace FaceBoost.Data;

/// <summary>One batch: <see cref="Images"/> N×3×H×W float32 normalised, <see cref="Labels"/> int64 (−1 for
/// unlabeled samples), and the dataset indexes of its samples. Owns its tensors: dispose it (or move the
/// tensors into your own dispose scope). N can be below the batch size when files were undecodable.</summary>
public sealed class FaceBatch : IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int[] SampleIndices { get; }
    /// <summary>Position of this batch in the epoch's plan (what <c>startBatch</c> counts).</summary>
    public int BatchIndex { get; }
    public int Epoch { get; }
    public int Count => SampleIndices.Length;

    public FaceBatch(Tensor images, Tensor labels, int[] sampleIndices, int batchIndex, int epoch)
    {
        Images = images; Labels = labels; SampleIndices = sampleIndices; BatchIndex = batchIndex; Epoch = epoch;
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
