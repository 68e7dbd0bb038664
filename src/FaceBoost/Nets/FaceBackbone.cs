using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>A face-recognition backbone: N×C×S×S normalised images → N×E embeddings (not L2-normalised).</summary>
public abstract class FaceBackbone : nn.Module<Tensor, Tensor>
{
    protected FaceBackbone(string name, BackboneOptions options) : base(name) => Options = options;

    public BackboneOptions Options { get; }
    public int InputSize => Options.InputSize;
    public int InputChannels => Options.InputChannels;
    public int EmbeddingSize => Options.EmbeddingSize;

    /// <summary>True for parameters of the feature extractor ("body"), false for the embedding head;
    /// used to freeze the body for the first epochs after a transfer.</summary>
    public abstract bool IsBodyParameter(string name);

    /// <summary>Body parameters up to stage <paramref name="stages"/> of 4 (0 = the input layer only): what a partial
    /// transfer copies, freezes and slows. Backbones without stage-numbered keys support only the whole body (4).</summary>
    public virtual bool IsBodyParameter(string name, int stages) =>
        stages >= 4 ? IsBodyParameter(name) : throw new NotSupportedException($"{GetName()} does not transfer by stages; only the whole body (4)");

    protected void CheckInput(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != InputChannels || x.shape[2] != InputSize || x.shape[3] != InputSize)
            throw new ArgumentException(
                $"{GetName()} expects N×{InputChannels}×{InputSize}×{InputSize} input, got [{string.Join("×", x.shape)}]");
    }
}
