using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>Squeeze-and-excitation gate as face.evoLVe / pSp (`fc1`, `fc2` are bias-free 1×1 convs).</summary>
public sealed class SEModule : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly AdaptiveAvgPool2d avg_pool;
    private readonly Conv2d fc1;
    private readonly ReLU relu;
    private readonly Conv2d fc2;
    private readonly Sigmoid sigmoid;
#pragma warning restore IDE1006

    public SEModule(long channels, long reduction) : base(nameof(SEModule))
    {
        avg_pool = nn.AdaptiveAvgPool2d(1);
        fc1 = nn.Conv2d(channels, Math.Max(1, channels / reduction), 1, bias: false);
        relu = nn.ReLU();
        fc2 = nn.Conv2d(Math.Max(1, channels / reduction), channels, 1, bias: false);
        sigmoid = nn.Sigmoid();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var g = sigmoid.forward(fc2.forward(relu.forward(fc1.forward(avg_pool.forward(x)))));
        return (x * g).MoveToOuterDisposeScope();
    }
}
