using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FaceBoost.Synthesis;

/// <summary>Equalized-lr conv (weight N(0,1) scaled by 1/√fanIn at run time), optional [1,3,3,1] FIR
/// 2× down-sampling before the conv, optional lrelu·√2; `gain` scales the output (resnet skips use √½).</summary>
public sealed class Conv2dLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Scalar _weightGain;
    private readonly bool _lrelu, _down;
    private readonly int _padding;
    private readonly Scalar? _outputGain;

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
        _weightGain = (1 / Math.Sqrt(inChannels * kernel * kernel)).ToScalar();
        _lrelu = lrelu; _down = down; _padding = kernel / 2;
        var g = gain * (lrelu ? Math.Sqrt(2) : 1);
        _outputGain = g != 1 ? g.ToScalar() : null;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (_down) x = Resampling.Downsample2x(x);
        var y = nn.functional.conv2d(x, weight.mul(_weightGain), bias, padding: [_padding, _padding]);
        if (_lrelu) y = y.leaky_relu(Scalars.LeakySlope);
        if (_outputGain is not null) y = y.mul(_outputGain);
        return y.MoveToOuterDisposeScope();
    }
}
