using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets.StyleGan;

/// <summary>z → w: 2nd-moment normalisation then MappingLayers equalized FC+lrelu layers at lr multiplier 0.01.
/// Tracks w_avg (EMA of w during training) for truncation and for the generator's average image.</summary>
public sealed class MappingNetwork : nn.Module<Tensor, Tensor>
{
    private readonly List<FullyConnectedLayer> _layers = new();
    private readonly Tensor w_avg;
    private readonly GeneratorOptions _o;

    public MappingNetwork(GeneratorOptions o) : base("mapping")
    {
        _o = o;
        for (var i = 0; i < o.MappingLayers; i++)
        {
            var fc = new FullyConnectedLayer($"fc{i}", i == 0 ? o.ZDim : o.WDim, o.WDim, lrelu: true, lrMultiplier: o.MappingLrMultiplier);
            _layers.Add(fc);
            register_module($"fc{i}", fc);
        }
        w_avg = zeros(o.WDim);
        register_buffer("w_avg", w_avg);
    }

    /// <summary>The tracked average w (1-D, WDim). Live buffer: do not dispose.</summary>
    public Tensor WAverage => w_avg;

    public override Tensor forward(Tensor z) => Map(z, 1, null, false);

    /// <summary>z (N×ZDim) → ws (N×NumWs×WDim), with optional truncation towards w_avg on the first `cutoff` ws.</summary>
    public Tensor Map(Tensor z, float truncationPsi, int? truncationCutoff, bool updateAverage)
    {
        if (z.dim() != 2 || z.shape[1] != _o.ZDim)
            throw new ArgumentException($"mapping expects z of shape N×{_o.ZDim}, got {string.Join('×', z.shape)}");
        using var scope = NewDisposeScope();
        var x = z * z.pow(Scalars.Two).mean([1], keepdim: true).add(Scalars.Epsilon8, Scalars.One).rsqrt();
        foreach (var fc in _layers) x = fc.forward(x);
        if (updateAverage)
            using (no_grad()) w_avg.copy_(x.detach().mean([0]).lerp(w_avg, _o.WAverageBeta));
        var ws = x.unsqueeze(1).repeat(1, _o.NumWs, 1);
        if (truncationPsi != 1)
        {
            var cutoff = Math.Clamp(truncationCutoff ?? _o.NumWs, 0, _o.NumWs);
            if (cutoff > 0)
            {
                var head = w_avg.reshape(1, 1, -1).lerp(ws.narrow(1, 0, cutoff), truncationPsi);
                ws = cutoff == _o.NumWs ? head : cat([head, ws.narrow(1, cutoff, _o.NumWs - cutoff)], 1);
            }
        }
        return ws.MoveToOuterDisposeScope();
    }
}
