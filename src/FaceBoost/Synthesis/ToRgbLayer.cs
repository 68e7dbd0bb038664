using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FaceBoost.Synthesis;

/// <summary>1×1 modulated conv without demodulation to 3 channels (the skip-architecture image output).</summary>
public sealed class ToRgbLayer : nn.Module<Tensor, Tensor>
{
    private readonly FullyConnectedLayer affine;
    private readonly Parameter weight, bias;
    private readonly Scalar _weightGain;

    public ToRgbLayer(string name, int inChannels, int wDim) : base(name)
    {
        affine = new FullyConnectedLayer("affine", wDim, inChannels, biasInit: 1);
        register_module("affine", affine);
        weight = new Parameter(randn(3, inChannels, 1, 1));
        register_parameter("weight", weight);
        bias = new Parameter(zeros(3));
        register_parameter("bias", bias);
        _weightGain = (1 / Math.Sqrt(inChannels)).ToScalar();
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("call Forward(x, w)");

    public Tensor Forward(Tensor x, Tensor w)
    {
        using var scope = NewDisposeScope();
        var styles = affine.forward(w).mul(_weightGain);
        var y = ModulatedConv.Apply(x, weight, styles, demodulate: false, padding: 0);
        return y.add(bias.reshape(1, -1, 1, 1), Scalars.One).MoveToOuterDisposeScope();
    }
}
