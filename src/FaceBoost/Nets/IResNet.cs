using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>insightface arcface_torch IResNet (18/34/50/100). Same module tree and state-dict keys
/// (conv1, bn1, prelu, layer1..4, bn2, dropout, fc, features) so `backbone.pth` can be imported;
/// at reduced input the fc is sized from the final (input/16)² map.</summary>
public sealed class IResNet : FaceBackbone
{
#pragma warning disable IDE1006
    private readonly Conv2d conv1;
    private readonly BatchNorm bn1;
    private readonly PReLU prelu;
    private readonly Sequential layer1, layer2, layer3, layer4;
    private readonly BatchNorm bn2;
    private readonly Dropout dropout;
    private readonly Linear fc;
    private readonly BatchNorm features;
#pragma warning restore IDE1006

    public static int[] LayersFor(int depth) => depth switch
    {
        18 => [2, 2, 2, 2],
        34 => [3, 4, 6, 3],
        50 => [3, 4, 14, 3],
        100 => [3, 13, 30, 3],
        200 => [6, 26, 60, 6],
        _ => throw new ArgumentException($"IResNet depth {depth} is not one of 18, 34, 50, 100, 200"),
    };

    public IResNet(int depth, BackboneOptions options) : base($"iresnet{depth}", options)
    {
        options.Validate();
        var layers = LayersFor(depth);
        long w = options.BaseWidth;
        long inplanes = w;
        conv1 = nn.Conv2d(options.InputChannels, w, 3, stride: 1, padding: 1, bias: false);
        bn1 = BatchNorm.TwoD(w, eps: 1e-5);
        prelu = new PReLU(w);
        layer1 = MakeLayer(ref inplanes, w, layers[0]);
        layer2 = MakeLayer(ref inplanes, w * 2, layers[1]);
        layer3 = MakeLayer(ref inplanes, w * 4, layers[2]);
        layer4 = MakeLayer(ref inplanes, w * 8, layers[3]);
        FeatureChannels = (int)(w * 8);
        FeatureMapSize = options.InputSize / 16;
        bn2 = BatchNorm.TwoD(w * 8, eps: 1e-5);
        dropout = nn.Dropout(options.Dropout);
        fc = nn.Linear(w * 8 * FeatureMapSize * FeatureMapSize, options.EmbeddingSize);
        features = BatchNorm.OneD(options.EmbeddingSize, eps: 1e-5);
        RegisterComponents();

        using (no_grad())
        {
            // As insightface: conv ~ N(0, 0.1), BN γ=1 β=0, the embedding BN's γ fixed at 1.
            foreach (var (_, m) in named_modules())
            {
                if (m is Conv2d c) nn.init.normal_(c.weight, 0, 0.1);
                else if (m is BatchNorm b) { nn.init.ones_(b.weight); nn.init.zeros_(b.bias); }
            }
            nn.init.ones_(features.weight);
        }
        features.weight!.requires_grad = false;
    }

    public int FeatureChannels { get; }
    public int FeatureMapSize { get; }

    private static Sequential MakeLayer(ref long inplanes, long planes, int blocks)
    {
        var list = new List<nn.Module<Tensor, Tensor>> { new IBasicBlock(inplanes, planes, 2, withDownsample: true) };
        inplanes = planes;
        for (var i = 1; i < blocks; i++) list.Add(new IBasicBlock(planes, planes, 1, withDownsample: false));
        return nn.Sequential(list);
    }

    public override bool IsBodyParameter(string name) =>
        name.StartsWith("conv1.") || name.StartsWith("bn1.") || name.StartsWith("prelu.") || name.StartsWith("layer");

    public override Tensor forward(Tensor x)
    {
        CheckInput(x);
        using var scope = NewDisposeScope();
        var y = prelu.forward(bn1.forward(conv1.forward(x)));
        y = layer4.forward(layer3.forward(layer2.forward(layer1.forward(y))));
        y = bn2.forward(y).flatten(1);
        y = features.forward(fc.forward(dropout.forward(y)));
        return y.MoveToOuterDisposeScope();
    }
}
