using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>insightface's pre-activation residual unit: BN → conv3×3 → BN → PReLU → conv3×3(stride) → BN, plus shortcut.
/// Field names are the state-dict keys of arcface_torch `iresnet.py`.</summary>
public sealed class IBasicBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // names mirror the PyTorch state dict
    private readonly BatchNorm bn1;
    private readonly Conv2d conv1;
    private readonly BatchNorm bn2;
    private readonly PReLU prelu;
    private readonly Conv2d conv2;
    private readonly BatchNorm bn3;
    private readonly Sequential? downsample;
#pragma warning restore IDE1006

    public IBasicBlock(long inplanes, long planes, long stride, bool withDownsample) : base(nameof(IBasicBlock))
    {
        bn1 = BatchNorm.TwoD(inplanes, eps: 1e-5);
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm.TwoD(planes, eps: 1e-5);
        prelu = new PReLU(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn3 = BatchNorm.TwoD(planes, eps: 1e-5);
        if (withDownsample)
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride: stride, bias: false), BatchNorm.TwoD(planes, eps: 1e-5));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = bn3.forward(conv2.forward(prelu.forward(bn2.forward(conv1.forward(bn1.forward(x))))));
        var identity = downsample is null ? x : downsample.forward(x);
        return y.add(identity, Scalars.One).MoveToOuterDisposeScope();
    }
}
