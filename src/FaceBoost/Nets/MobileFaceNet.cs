using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>insightface arcface_torch MobileFaceNet (blocks 1,4,6,2; scale 2) with its module names
/// (`layers`, `conv_sep`, `features`). <see cref="BackboneOptions.BaseWidth"/> 64 = published widths;
/// smaller values scale every width (and group count) proportionally.</summary>
public sealed class MobileFaceNet : FaceBackbone
{
#pragma warning disable IDE1006
    private readonly ModuleList<nn.Module<Tensor, Tensor>> layers;
    private readonly ConvBlock conv_sep;
    private readonly GDC features;
#pragma warning restore IDE1006

    public MobileFaceNet(BackboneOptions options) : base("mobilefacenet", options)
    {
        options.Validate();
        long f(long c) => c * options.BaseWidth / 64;
        int[] blocks = [1, 4, 6, 2];
        const int scale = 2;
        layers = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new ConvBlock(options.InputChannels, f(64 * scale), kernel: 3, stride: 2, padding: 1),
            new ConvBlock(f(64 * scale), f(64 * scale), kernel: 3, stride: 1, padding: 1, groups: f(64)),
            new DepthWise(f(64 * scale), f(64 * scale), false, 2, f(128)),
            new MobileResidual(f(64 * scale), blocks[1], f(128)),
            new DepthWise(f(64 * scale), f(128 * scale), false, 2, f(256)),
            new MobileResidual(f(128 * scale), blocks[2], f(256)),
            new DepthWise(f(128 * scale), f(128 * scale), false, 2, f(512)),
            new MobileResidual(f(128 * scale), blocks[3], f(256)));
        conv_sep = new ConvBlock(f(128 * scale), f(512));
        features = new GDC(f(512), options.InputSize / 16, options.EmbeddingSize);
        RegisterComponents();
    }

    public override bool IsBodyParameter(string name) => name.StartsWith("layers.") || name.StartsWith("conv_sep.");

    public override Tensor forward(Tensor x)
    {
        CheckInput(x);
        using var scope = NewDisposeScope();
        var y = x;
        foreach (var l in layers) y = l.forward(y);
        return features.forward(conv_sep.forward(y)).MoveToOuterDisposeScope();
    }
}
