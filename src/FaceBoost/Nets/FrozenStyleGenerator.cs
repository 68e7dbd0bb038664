using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Nets;

/// <summary>A StyleGAN2 generator frozen for inversion: eval mode, no parameter gradients, constant (or no) noise
/// (so a code always gives the same image); gradients still flow through it to the encoder.</summary>
public sealed class FrozenStyleGenerator : ILatentGenerator, IDisposable
{
    private readonly Tensor _meanW;

    public StyleGenerator Generator { get; }
    public int NumWs => Generator.NumWs;
    public int WDim => Generator.WDim;
    public Tensor MeanW => _meanW;

    /// <summary>The per-layer noise of every synthesis: Const or None (Random would make inversion non-deterministic).</summary>
    public NoiseMode Noise { get; }

    public FrozenStyleGenerator(StyleGenerator generator, NoiseMode noise = NoiseMode.Const)
    {
        if (noise == NoiseMode.Random) throw new ArgumentException("a frozen generator for inversion takes const or no noise, not random", nameof(noise));
        Generator = generator;
        Noise = noise;
        generator.eval();
        foreach (var p in generator.parameters()) p.requires_grad = false;
        using (var meanW = generator.MeanW) _meanW = meanW.reshape(-1).DetachFromDisposeScope(); // held until reshape read it
    }

    public Tensor Synthesize(Tensor ws)
    {
        if (ws.dim() != 3 || ws.shape[1] != NumWs || ws.shape[2] != WDim)
            throw new ArgumentException($"generator expects N×{NumWs}×{WDim} codes, got [{string.Join(",", ws.shape)}]");
        return Generator.Synthesis(ws, Noise);
    }

    public void Dispose()
    {
        _meanW.Dispose();
        Generator.Dispose();
    }
}
