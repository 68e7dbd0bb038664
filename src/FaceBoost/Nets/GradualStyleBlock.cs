using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceBoost.Nets;

/// <summary>pSp/ReStyle map2style block: log2(spatial) stride-2 3×3 convs with LeakyReLU take the
/// feature map to 1×1, then an EqualLinear gives one style vector (keys convs.K.*, linear.*).</summary>
public sealed class GradualStyleBlock : Module<Tensor, Tensor>
{
    private readonly Sequential convs;
    private readonly EqualLinear linear;
    private readonly int _outC;

    public GradualStyleBlock(int inC, int outC, int spatial) : base("GradualStyleBlock")
    {
        if (spatial < 1 || (spatial & (spatial - 1)) != 0) throw new ArgumentException($"GradualStyleBlock: spatial size {spatial} must be a power of two");
        var pools = Math.Max(0, (int)Math.Round(Math.Log2(spatial)));
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        for (var i = 0; i < pools; i++)
        {
            modules.Add(((2 * i).ToString(), nn.Conv2d(i == 0 ? inC : outC, outC, 3, stride: 2, padding: 1)));
            modules.Add(((2 * i + 1).ToString(), new LeakyReLU(0.01)));
        }
        if (pools == 0) modules.Add(("0", nn.Conv2d(inC, outC, 1)));
        convs = nn.Sequential(modules);
        linear = new EqualLinear(outC, outC);
        _outC = outC;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => linear.forward(convs.forward(x).reshape(-1, _outC));
}
