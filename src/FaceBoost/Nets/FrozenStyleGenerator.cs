using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Nets;

/// <summary>A StyleGAN2 generator frozen for inversion: eval mode, no parameter gradients, constant noise
/// (so a code always gives the same image); gradients still flow through it to the encoder.</summary>
public sealed class FrozenStyleGenerator : ILatentGenerator, IDisposable
{
    private readonly Tensor _meanW;

    public StyleGenerator Generator { get; }
    public int NumWs => Generator.NumWs;
    public int WDim => Generator.WDim;
    public Tensor MeanW => _meanW;

    public FrozenStyleGenerator(StyleGenerator generator)
    {
        Generator = generator;
        generator.eval();
        foreach (var p in generator.parameters()) p.requires_grad = false;
        _meanW = generator.MeanW.reshape(-1).DetachFromDisposeScope();
    }

    public Tensor Synthesize(Tensor ws)
    {
        if (ws.dim() != 3 || ws.shape[1] != NumWs || ws.shape[2] != WDim)
            throw new ArgumentException($"generator expects N×{NumWs}×{WDim} codes, got [{string.Join(",", ws.shape)}]");
        return Generator.Synthesis(ws, NoiseMode.Const);
    }

    public void Dispose()
    {
        _meanW.Dispose();
        Generator.Dispose();
    }
}
