using FaceBoost.Runtime;
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
    private readonly Scalar _weightGain, _biasGain;
    private readonly bool _lrelu;

    public FullyConnectedLayer(string name, long inFeatures, long outFeatures, bool lrelu = false,
        float biasInit = 0, float lrMultiplier = 1, bool useBias = true) : base(name)
    {
        using var lrMul = lrMultiplier.ToScalar();
        using var biasValue = biasInit.ToScalar();
        weight = new Parameter(randn(outFeatures, inFeatures).div(lrMul));
        register_parameter("weight", weight);
        if (useBias)
        {
            bias = new Parameter(full(outFeatures, biasValue));
            register_parameter("bias", bias);
        }
        _weightGain = (lrMultiplier / Math.Sqrt(inFeatures)).ToScalar();
        _biasGain = lrMultiplier.ToScalar();
        _lrelu = lrelu;
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.linear(x, weight.mul(_weightGain), bias?.mul(_biasGain));
        if (_lrelu) y = y.leaky_relu(Scalars.LeakySlope).mul(Scalars.Sqrt2);
        return y.MoveToOuterDisposeScope();
    }
}
