using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FaceBoost.Synthesis;

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
        weight = new Parameter(randn(outFeatures, inFeatures) / lrMultiplier);
        register_parameter("weight", weight);
        if (useBias)
        {
            bias = new Parameter(full(outFeatures, biasInit));
            register_parameter("bias", bias);
        }
        _weightGain = lrMultiplier / Math.Sqrt(inFeatures);
        _biasGain = lrMultiplier;
        _lrelu = lrelu;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.linear(x, weight * _weightGain, bias is null ? null : bias * _biasGain);
        if (_lrelu) y = nn.functional.leaky_relu(y, 0.2) * Math.Sqrt(2);
        return y.MoveToOuterDisposeScope();
    }
}
