using FaceBoost.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

// Building blocks of insightface's arcface_torch `mobilefacenet.py`; every block keeps its layers in a
// Sequential named `layers`, so keys read e.g. `layers.2.layers.1.layers.0.weight` as in PyTorch.

/// <summary>Conv (no bias) → BN → PReLU.</summary>
public sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Sequential layers;
#pragma warning restore IDE1006
    public ConvBlock(long inC, long outC, long kernel = 1, long stride = 1, long padding = 0, long groups = 1) : base(nameof(ConvBlock))
    {
        layers = nn.Sequential(nn.Conv2d(inC, outC, kernel, stride: stride, padding: padding, groups: groups, bias: false),
            BatchNorm.TwoD(outC), new PReLU(outC));
        RegisterComponents();
    }
    public override Tensor forward(Tensor x) => layers.forward(x);
}

/// <summary>Conv (no bias) → BN, no activation.</summary>
public sealed class LinearBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Sequential layers;
#pragma warning restore IDE1006
    public LinearBlock(long inC, long outC, long kernel = 1, long stride = 1, long padding = 0, long groups = 1) : base(nameof(LinearBlock))
    {
        layers = nn.Sequential(nn.Conv2d(inC, outC, kernel, stride: stride, padding: padding, groups: groups, bias: false), BatchNorm.TwoD(outC));
        RegisterComponents();
    }
    public override Tensor forward(Tensor x) => layers.forward(x);
}

/// <summary>1×1 expand → depthwise k×k → 1×1 linear projection, optional residual.</summary>
public sealed class DepthWise : nn.Module<Tensor, Tensor>
{
    private readonly bool _residual;
#pragma warning disable IDE1006
    private readonly Sequential layers;
#pragma warning restore IDE1006
    public DepthWise(long inC, long outC, bool residual, long stride, long groups) : base(nameof(DepthWise))
    {
        _residual = residual;
        layers = nn.Sequential(
            new ConvBlock(inC, groups),
            new ConvBlock(groups, groups, kernel: 3, stride: stride, padding: 1, groups: groups),
            new LinearBlock(groups, outC));
        RegisterComponents();
    }
    public override Tensor forward(Tensor x)
    {
        if (!_residual) return layers.forward(x);
        using var scope = NewDisposeScope();
        return x.add(layers.forward(x), Scalars.One).MoveToOuterDisposeScope();
    }
}

/// <summary>A stack of residual depthwise units.</summary>
public sealed class MobileResidual : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Sequential layers;
#pragma warning restore IDE1006
    public MobileResidual(long c, int numBlock, long groups) : base("Residual")
    {
        layers = nn.Sequential(Enumerable.Range(0, numBlock).Select(_ => (nn.Module<Tensor, Tensor>)new DepthWise(c, c, true, 1, groups)).ToList());
        RegisterComponents();
    }
    public override Tensor forward(Tensor x) => layers.forward(x);
}

/// <summary>Global depthwise conv head: depthwise k×k over the whole map → flatten → Linear (no bias) → BN1d.</summary>
public sealed class GDC : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Sequential layers;
#pragma warning restore IDE1006
    public GDC(long channels, long mapSize, long embeddingSize) : base(nameof(GDC))
    {
        layers = nn.Sequential(
            new LinearBlock(channels, channels, kernel: mapSize, groups: channels),
            nn.Flatten(),
            nn.Linear(channels, embeddingSize, hasBias: false),
            BatchNorm.OneD(embeddingSize));
        RegisterComponents();
    }
    public override Tensor forward(Tensor x) => layers.forward(x);
}
