using FaceBoost.Runtime;
using Parameter = TorchSharp.Modules.Parameter;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets.StyleGan;

/// <summary>Equalized-lr conv (weight N(0,1) scaled by 1/√fanIn at run time), optional [1,3,3,1] FIR
/// 2× down-sampling before the conv, optional lrelu·√2; `gain` scales the output (resnet skips use √½).</summary>
public sealed class Conv2dLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly double _weightGain;
    private readonly bool _lrelu, _down;
    private readonly int _padding;
    private readonly double _gain;

    public Conv2dLayer(string name, int inChannels, int outChannels, int kernel, bool lrelu, bool down = false,
        bool useBias = true, double gain = 1) : base(name)
    {
        weight = new Parameter(randn(outChannels, inChannels, kernel, kernel));
        register_parameter("weight", weight);
        if (useBias)
        {
            bias = new Parameter(zeros(outChannels));
            register_parameter("bias", bias);
        }
        _weightGain = 1 / Math.Sqrt(inChannels * kernel * kernel);
        _lrelu = lrelu; _down = down; _padding = kernel / 2; _gain = gain;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (_down) x = Resampling.Downsample2x(x);
        using var weightGain = _weightGain.ToScalar();
        var y = nn.functional.conv2d(x, weight.mul(weightGain), bias, padding: [_padding, _padding]);
        var g = _gain * (_lrelu ? Math.Sqrt(2) : 1);
        if (_lrelu) y = y.leaky_relu(Scalars.LeakySlope);
        if (g != 1)
        {
            using var gain = g.ToScalar();
            y = y.mul(gain);
        }
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>Linear layer with equalized learning rate: weights stored as N(0, 1/lrMul²) and scaled at run time
/// by lrMul/√fanIn, so Adam sees every layer at the same scale (and the mapping net learns 100× slower).</summary>
public sealed class FullyConnectedLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly double _weightGain, _biasGain;
    private readonly bool _lrelu;

    public FullyConnectedLayer(string name, long inFeatures, long outFeatures, bool lrelu = false,
        float biasInit = 0, float lrMultiplier = 1, bool useBias = true) : base(name)
    {
        using var lrMul = lrMultiplier.ToScalar();
        using var biasValue = biasInit.ToScalar();
        using (var init = randn(outFeatures, inFeatures)) weight = new Parameter(init.div(lrMul)); // init held while div reads it
        register_parameter("weight", weight);
        if (useBias)
        {
            bias = new Parameter(full(outFeatures, biasValue));
            register_parameter("bias", bias);
        }
        _weightGain = lrMultiplier / Math.Sqrt(inFeatures);
        _biasGain = lrMultiplier;
        _lrelu = lrelu;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var weightGain = _weightGain.ToScalar();
        using var biasGain = _biasGain.ToScalar();
        var y = nn.functional.linear(x, weight.mul(weightGain), bias?.mul(biasGain));
        if (_lrelu) y = y.leaky_relu(Scalars.LeakySlope).mul(Scalars.Sqrt2);
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>StyleGAN2 weight (de)modulation, in stylegan2-ada's two forms: fused (the batch folded into channels,
/// one grouped convolution with per-sample weights, its inference path) and unfused (scale the input by the styles, one
/// ordinary convolution with the shared weight, scale the output by the demodulation coefficients, its training path).
/// They agree to float rounding; unfused is the faster one on CPU at every G layer size here (no per-sample weights,
/// and oneDNN's plain conv instead of a conv with N groups), so the generator uses it in training and inference.</summary>
public static class ModulatedConv
{
    /// <param name="x">N×I×H×W</param>
    /// <param name="weight">O×I×k×k</param>
    /// <param name="styles">N×I scale per input channel</param>
    /// <param name="fused">true: one grouped conv with per-sample weights; false: modulate the activations instead.</param>
    public static Tensor Apply(Tensor x, Tensor weight, Tensor styles, bool demodulate, int padding, bool fused = false)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], i = x.shape[1], h = x.shape[2], wd = x.shape[3];
        long o = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3];
        if (weight.shape[1] != i) throw new ArgumentException($"modulated conv: input has {i} channels, weight expects {weight.shape[1]}");
        if (styles.shape[0] != n || styles.shape[1] != i) throw new ArgumentException($"modulated conv: styles {string.Join('×', styles.shape)} do not match N={n}, I={i}");
        if (!fused)
        {
            var y0 = nn.functional.conv2d(x.mul(styles.reshape(n, i, 1, 1)), weight, padding: [padding, padding]);
            if (demodulate)
            {
                // Σ_{i,k} (W[o,i,k]·s[n,i])² = (s²) · (Σ_k W²)ᵀ: N×O coefficients without the N×O×I×k×k weights.
                var d = styles.mul(styles).matmul(weight.mul(weight).sum([2, 3]).t()).add(Scalars.Epsilon8, Scalars.One).rsqrt();
                y0 = y0.mul(d.reshape(n, o, 1, 1));
            }
            return y0.MoveToOuterDisposeScope();
        }
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

/// <summary>2× resampling used by G and D. Simplification of stylegan2-ada's upfirdn2d (documented):
/// up-sampling is bilinear (align_corners=false), which is exactly the [1,3,3,1]/4 FIR filter with edge
/// clamping instead of zero padding; down-sampling is the separable [1,3,3,1] FIR low-pass, stride 2.</summary>
public static class Resampling
{
    public static Tensor Upsample2x(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>[1,3,3,1]⊗[1,3,3,1]/64 low-pass with stride 2 (zero padding 1): H×W → H/2×W/2, written as
    /// strided slices (separable) instead of a depthwise conv, whose CPU backward gave intermittent NaN here.</summary>
    public static Tensor Downsample2x(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = Fir1d(nn.functional.pad(x, [1, 1, 1, 1]), 3);
        y = Fir1d(y, 2);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Along `dim` (padded length L+2): out[b] = (x[2b] + 3x[2b+1] + 3x[2b+2] + x[2b+3]) / 8.</summary>
    private static Tensor Fir1d(Tensor xp, int dim)
    {
        var len = xp.shape[dim] - 2;
        Tensor Take(int offset) => xp.narrow(dim, offset, len - 1).unfold(dim, 1, 2).squeeze(-1);
        return Take(0).add(Take(1).mul(Scalars.Three), Scalars.One).add(Take(2).mul(Scalars.Three), Scalars.One)
            .add(Take(3), Scalars.One).div(Scalars.Eight);
    }
}

/// <summary>Per-layer noise input of the synthesis network.</summary>
public enum NoiseMode
{
    /// <summary>Fixed noise buffers stored in the network (deterministic output; what inversion uses).</summary>
    Const,
    /// <summary>Fresh Gaussian noise every call (what training uses).</summary>
    Random,
    /// <summary>No noise at all.</summary>
    None,
}
