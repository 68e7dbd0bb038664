using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceBoost.Nets;

// TEMPORARY: the IR-SE body as pSp's model_irse/helpers lay it out, only until the train branch's
// IrseBackbone is merged; the encoder then builds its input_layer/body from that single copy.
internal static class IrseShim
{
    public static int[] Units(int numLayers) => numLayers switch
    {
        18 => [2, 2, 2, 2],
        34 => [3, 4, 6, 3],
        50 => [3, 4, 14, 3],
        100 => [3, 13, 30, 3],
        152 => [3, 8, 36, 3],
        _ => throw new ArgumentException($"IR-SE depth {numLayers} is not one of 18, 34, 50, 100, 152"),
    };

    public static (Sequential inputLayer, Sequential body, int outChannels) Build(int numLayers, bool se, int inChannels, int width)
    {
        var units = Units(numLayers);
        int[] depths = [width, width * 2, width * 4, width * 8];
        var inputLayer = nn.Sequential(
            ("0", nn.Conv2d(inChannels, width, 3, stride: 1, padding: 1, bias: false)),
            ("1", nn.BatchNorm2d(width)),
            ("2", nn.PReLU(width)));
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        var inC = width;
        for (var stage = 0; stage < 4; stage++)
            for (var u = 0; u < units[stage]; u++)
            {
                modules.Add((modules.Count.ToString(), new IrseUnit(u == 0 ? inC : depths[stage], depths[stage], u == 0 ? 2 : 1, se)));
                inC = depths[stage];
            }
        return (inputLayer, nn.Sequential(modules), depths[3]);
    }
}

internal sealed class IrseUnit : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> shortcut_layer;
    private readonly Sequential res_layer;

    public IrseUnit(int inC, int depth, int stride, bool se) : base(se ? "bottleneck_IR_SE" : "bottleneck_IR")
    {
        shortcut_layer = inC == depth
            ? nn.MaxPool2d(1, stride)
            : nn.Sequential(("0", nn.Conv2d(inC, depth, 1, stride: stride, bias: false)), ("1", nn.BatchNorm2d(depth)));
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("0", nn.BatchNorm2d(inC)),
            ("1", nn.Conv2d(inC, depth, 3, stride: 1, padding: 1, bias: false)),
            ("2", nn.PReLU(depth)),
            ("3", nn.Conv2d(depth, depth, 3, stride: stride, padding: 1, bias: false)),
            ("4", nn.BatchNorm2d(depth)),
        };
        if (se) layers.Add(("5", new ShimSe(depth, 16)));
        res_layer = nn.Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => res_layer.forward(x) + shortcut_layer.forward(x);
}

internal sealed class ShimSe : Module<Tensor, Tensor>
{
    private readonly Conv2d fc1, fc2;

    public ShimSe(int channels, int reduction) : base("SEModule")
    {
        fc1 = nn.Conv2d(channels, Math.Max(1, channels / reduction), 1, bias: false);
        fc2 = nn.Conv2d(Math.Max(1, channels / reduction), channels, 1, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var s = nn.functional.adaptive_avg_pool2d(x, 1);
        s = torch.sigmoid(fc2.forward(nn.functional.relu(fc1.forward(s))));
        return x * s;
    }
}
