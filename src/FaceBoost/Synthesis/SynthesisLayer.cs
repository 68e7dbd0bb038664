using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FaceBoost.Synthesis;

/// <summary>Modulated 3×3 conv (optionally after 2× upsampling) + per-pixel noise with learned strength
/// + bias + lrelu·√2. Its style comes from one w through an affine layer (bias init 1).</summary>
public sealed class SynthesisLayer : nn.Module<Tensor, Tensor>
{
    private readonly FullyConnectedLayer affine;
    private readonly Parameter weight, bias, noise_strength;
    private readonly Tensor noise_const;
    private readonly bool _up;
    private readonly int _resolution;

    public SynthesisLayer(string name, int inChannels, int outChannels, int wDim, int resolution, bool up) : base(name)
    {
        affine = new FullyConnectedLayer("affine", wDim, inChannels, biasInit: 1);
        register_module("affine", affine);
        weight = new Parameter(randn(outChannels, inChannels, 3, 3));
        register_parameter("weight", weight);
        bias = new Parameter(zeros(outChannels));
        register_parameter("bias", bias);
        noise_strength = new Parameter(zeros(Array.Empty<long>()));
        register_parameter("noise_strength", noise_strength);
        noise_const = randn(resolution, resolution);
        register_buffer("noise_const", noise_const);
        _up = up;
        _resolution = resolution;
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("call Forward(x, w, noise)");

    public Tensor Forward(Tensor x, Tensor w, NoiseMode noise)
    {
        using var scope = NewDisposeScope();
        var styles = affine.forward(w);
        if (_up) x = Resampling.Upsample2x(x);
        var y = ModulatedConv.Apply(x, weight, styles, demodulate: true, padding: 1);
        if (noise == NoiseMode.Random)
            y = y.add(randn(y.shape[0], 1, _resolution, _resolution, dtype: y.dtype, device: y.device) * noise_strength, Scalars.One);
        else if (noise == NoiseMode.Const)
            y = y.add(noise_const * noise_strength, Scalars.One);
        y = y.add(bias.reshape(1, -1, 1, 1), Scalars.One).leaky_relu(Scalars.LeakySlope).mul(Scalars.Sqrt2);
        return y.MoveToOuterDisposeScope();
    }
}
