using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Nets;

/// <summary>The decoder of the paper's autoencoder ablation: the StyleGAN synthesis network (same widths and W+ layout
/// as the generator the encoder arm inverts), randomly initialised and trained jointly with the encoder by the same
/// reconstruction losses — no adversarial pretraining, nothing frozen. The W+ origin is zero, and the average image
/// (the encoder's 3 extra input channels) is given, e.g. the pool's pixel mean: an untrained decoder's output at the
/// origin is noise. State-dict keys: synthesis.bR.*, as the generator's.</summary>
public sealed class LearnedDecoder : nn.Module<Tensor, Tensor>, ILatentGenerator
{
    private readonly SynthesisNetwork synthesis;
    private readonly Tensor _origin;
    private readonly Tensor _average;

    public GeneratorOptions Options { get; }
    public int NumWs => Options.NumWs;
    public int WDim => Options.WDim;
    public Tensor MeanW => _origin;

    /// <param name="averageImage">1×3×S×S in [-1, 1]; the decoder keeps a copy.</param>
    public LearnedDecoder(GeneratorOptions options, Tensor averageImage) : base("decoder")
    {
        options.Validate();
        if (averageImage.dim() != 4 || averageImage.shape[0] != 1 || averageImage.shape[1] != 3)
            throw new ArgumentException($"the average image must be 1×3×S×S, got [{string.Join(",", averageImage.shape)}]");
        Options = options;
        synthesis = new SynthesisNetwork(options);
        register_module("synthesis", synthesis);
        _origin = zeros(options.WDim).DetachFromDisposeScope();
        using (var detached = averageImage.detach()) _average = detached.clone().DetachFromDisposeScope(); // held while clone reads it
    }

    /// <summary>The given average image at <paramref name="size"/>, 1×3×size×size.</summary>
    public Tensor AverageImage(int size)
    {
        using var scope = NewDisposeScope();
        return GeneratorInversion.ToSize(_average, size).clone().MoveToOuterDisposeScope();
    }

    public Tensor Synthesize(Tensor ws)
    {
        if (ws.dim() != 3 || ws.shape[1] != NumWs || ws.shape[2] != WDim)
            throw new ArgumentException($"decoder expects N×{NumWs}×{WDim} codes, got [{string.Join(",", ws.shape)}]");
        return synthesis.Forward(ws, NoiseMode.Const);
    }

    public override Tensor forward(Tensor ws) => Synthesize(ws);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _origin.Dispose();
            _average.Dispose();
        }
        base.Dispose(disposing);
    }
}
