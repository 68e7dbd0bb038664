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

    protected void CheckInput(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != InputChannels || x.shape[2] != InputSize || x.shape[3] != InputSize)
            throw new ArgumentException(
                $"{GetName()} expects N×{InputChannels}×{InputSize}×{InputSize} input, got [{string.Join("×", x.shape)}]");
    }
}
