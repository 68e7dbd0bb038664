using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>A training-only classifier over identities: embeddings (N×E) and labels (N) → logits (N×K) with
/// any margin applied to the target class. Holds the class-centre weight (key `weight`).</summary>
public abstract class ClassifierHead : nn.Module<Tensor, Tensor, Tensor>
{
    protected ClassifierHead(string name, int embeddingSize, int numClasses) : base(name)
    {
        if (numClasses < 2) throw new ArgumentException($"a classifier needs at least 2 identities, got {numClasses}");
        if (embeddingSize < 1) throw new ArgumentException($"embedding size {embeddingSize} is invalid");
        EmbeddingSize = embeddingSize;
        NumClasses = numClasses;
    }

    public int EmbeddingSize { get; }
    public int NumClasses { get; }

    /// <summary>Logits without margin (for training accuracy).</summary>
    public abstract Tensor PlainLogits(Tensor embeddings);

    /// <summary>Checks shapes and that every label is in [0, NumClasses) before libtorch sees them
    /// (an out-of-range index would abort the native side).</summary>
    protected void Validate(Tensor embeddings, Tensor labels)
    {
        if (embeddings.dim() != 2 || embeddings.shape[1] != EmbeddingSize)
            throw new ArgumentException($"{GetName()}: embeddings must be N×{EmbeddingSize}, got [{string.Join("×", embeddings.shape)}]");
        if (labels.dim() != 1 || labels.shape[0] != embeddings.shape[0])
            throw new ArgumentException($"{GetName()}: labels must be a vector of {embeddings.shape[0]}, got [{string.Join("×", labels.shape)}]");
        if (labels.dtype != ScalarType.Int64) throw new ArgumentException($"{GetName()}: labels must be int64, got {labels.dtype}");
        if (labels.numel() == 0) return;
        var lo = labels.min().item<long>();
        var hi = labels.max().item<long>();
        if (lo < 0 || hi >= NumClasses)
            throw new ArgumentException($"{GetName()}: labels must lie in [0, {NumClasses}), got range [{lo}, {hi}]");
    }
}
