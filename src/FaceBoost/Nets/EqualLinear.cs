using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceBoost.Nets;

/// <summary>StyleGAN2's equalized-learning-rate linear layer as pSp uses it for style heads: weights
/// stored N(0,1)/lr_mul and scaled by lr_mul/√in at run time (keys weight, bias).</summary>
public sealed class EqualLinear : Module<Tensor, Tensor>
{
    private readonly Parameter weight, bias;
    private readonly Scalar _scale, _lrMul;

    public EqualLinear(int inDim, int outDim, double lrMul = 1) : base("EqualLinear")
    {
        _scale = (lrMul / Math.Sqrt(inDim)).ToScalar();
        _lrMul = lrMul.ToScalar();
        using (var init = randn(outDim, inDim)) weight = new Parameter(init.div(_lrMul)); // init held while div reads it
        bias = new Parameter(zeros(outDim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => nn.functional.linear(x, weight.mul(_scale), bias.mul(_lrMul));
}
