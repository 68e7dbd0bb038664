using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>Leaky ReLU as a module (torch.nn.LeakyReLU), with its slope held as a Scalar field.</summary>
public sealed class LeakyReLU(double negativeSlope) : nn.Module<Tensor, Tensor>("LeakyReLU")
{
    private readonly Scalar _slope = negativeSlope.ToScalar();

    public override Tensor forward(Tensor input) => input.leaky_relu(_slope);
}
