using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>StyleGAN2 weight (de)modulation, computed for the whole batch as one grouped convolution
/// (batch folded into channels), like stylegan2-ada's fused_modconv path.</summary>
public static class ModulatedConv
{
    /// <param name="x">N×I×H×W</param>
    /// <param name="weight">O×I×k×k</param>
    /// <param name="styles">N×I scale per input channel</param>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor styles, bool demodulate, int padding)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], i = x.shape[1], h = x.shape[2], wd = x.shape[3];
        long o = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3];
        if (weight.shape[1] != i) throw new ArgumentException($"modulated conv: input has {i} channels, weight expects {weight.shape[1]}");
        if (styles.shape[0] != n || styles.shape[1] != i) throw new ArgumentException($"modulated conv: styles {string.Join('×', styles.shape)} do not match N={n}, I={i}");
        var w = weight.unsqueeze(0) * styles.reshape(n, 1, i, 1, 1);       // N O I k k
        if (demodulate)
        {
            var d = w.pow(Scalars.Two).sum([2, 3, 4]).add(Scalars.Epsilon8, Scalars.One).rsqrt();            // N O
            w = w * d.reshape(n, o, 1, 1, 1);
        }
        var y = nn.functional.conv2d(x.reshape(1, n * i, h, wd), w.reshape(n * o, i, kh, kw),
            padding: [padding, padding], groups: n);
        return y.reshape(n, o, y.shape[2], y.shape[3]).MoveToOuterDisposeScope();
    }
}
