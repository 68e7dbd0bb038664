using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>Parametric ReLU with one learned slope per channel, as torch.new PReLU(num_parameters, init: 0.25):
/// same state-dict entry (weight) and the same forward; the initial slope is filled from a held Scalar.</summary>
public sealed class PReLU : nn.Module<Tensor, Tensor>
{
    private static readonly Scalar InitialSlope = 0.25.ToScalar();

#pragma warning disable IDE1006 // state-dict name follows PyTorch
    public readonly Parameter weight;
#pragma warning restore IDE1006

    public PReLU(long channels) : base("PReLU")
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), $"PReLU needs at least one channel, got {channels}");
        weight = nn.Parameter(full([channels], InitialSlope));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.prelu(input, weight);
}
