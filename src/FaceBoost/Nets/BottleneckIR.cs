using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>face.evoLVe `bottleneck_IR` / `bottleneck_IR_SE`: `res_layer` = BN, conv3×3, PReLU, conv3×3(stride), BN
/// [, SEModule]; `shortcut_layer` = MaxPool(1, stride) when widths match, else conv1×1(stride) + BN.</summary>
public sealed class BottleneckIR : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly nn.Module<Tensor, Tensor> shortcut_layer;
    private readonly Sequential res_layer;
#pragma warning restore IDE1006

    public BottleneckIR(long inChannel, long depth, long stride, bool squeezeExcite) : base(squeezeExcite ? "bottleneck_IR_SE" : "bottleneck_IR")
    {
        shortcut_layer = inChannel == depth
            ? nn.MaxPool2d(1, stride)
            : nn.Sequential(nn.Conv2d(inChannel, depth, 1, stride: stride, bias: false), BatchNorm.TwoD(depth));
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            BatchNorm.TwoD(inChannel),
            nn.Conv2d(inChannel, depth, 3, stride: 1, padding: 1, bias: false),
            new PReLU(depth),
            nn.Conv2d(depth, depth, 3, stride: stride, padding: 1, bias: false),
            BatchNorm.TwoD(depth),
        };
        if (squeezeExcite) layers.Add(new SEModule(depth, 16));
        res_layer = nn.Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return shortcut_layer.forward(x).add(res_layer.forward(x), Scalars.One).MoveToOuterDisposeScope();
    }
}
