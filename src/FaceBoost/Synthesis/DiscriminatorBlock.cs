using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>Residual D block at resolution r: (fromRGB on the first) → conv0 3×3 → conv1 3×3 ↓2, plus a
/// 1×1 ↓2 skip; both branches scaled by √½ so the sum keeps unit variance.</summary>
public sealed class DiscriminatorBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2dLayer? fromrgb;
    private readonly Conv2dLayer conv0, conv1, skip;

    public DiscriminatorBlock(string name, int inChannels, int tmpChannels, int outChannels) : base(name)
    {
        if (inChannels == 0)
        {
            fromrgb = new Conv2dLayer("fromrgb", 3, tmpChannels, 1, lrelu: true);
            register_module("fromrgb", fromrgb);
        }
        conv0 = new Conv2dLayer("conv0", tmpChannels, tmpChannels, 3, lrelu: true);
        conv1 = new Conv2dLayer("conv1", tmpChannels, outChannels, 3, lrelu: true, down: true, gain: Math.Sqrt(0.5));
        skip = new Conv2dLayer("skip", tmpChannels, outChannels, 1, lrelu: false, down: true, useBias: false, gain: Math.Sqrt(0.5));
        register_module("conv0", conv0);
        register_module("conv1", conv1);
        register_module("skip", skip);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (fromrgb is not null) x = fromrgb.forward(x);
        var y = skip.forward(x);
        x = conv1.forward(conv0.forward(x));
        return x.add(y, Scalars.One).MoveToOuterDisposeScope();
    }
}
