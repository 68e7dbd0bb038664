using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>face.evoLVe / pSp `Backbone` (IR or IR-SE): `input_layer` (conv3×3 C→64, BN, PReLU), `body`
/// (a flat Sequential of bottleneck units), `output_layer` = the paper's head BN2d → Dropout → Flatten →
/// Linear(512·h·w → E) → BN1d. The pSp/ReStyle encoder reuses <see cref="InputLayer"/> and <see cref="Body"/>
/// (6 input channels), and `train --init-from` copies them back into this class by state-dict key.</summary>
public sealed class IrseBackbone : FaceBackbone
{
#pragma warning disable IDE1006
    private readonly Sequential input_layer;
    private readonly Sequential body;
    private readonly Sequential output_layer;
#pragma warning restore IDE1006

    /// <summary>Units per stage: 50/100/152 as face.evoLVe; 18/34 are reduced-depth CPU variants.</summary>
    public static int[] UnitsFor(int numLayers) => numLayers switch
    {
        18 => [2, 2, 2, 2],
        34 => [3, 4, 6, 3],
        50 => [3, 4, 14, 3],
        100 => [3, 13, 30, 3],
        152 => [3, 8, 36, 3],
        _ => throw new ArgumentException($"IR/IR-SE depth {numLayers} is not one of 18, 34, 50, 100, 152"),
    };

    public IrseBackbone(int numLayers, bool squeezeExcite, BackboneOptions options)
        : base($"{(squeezeExcite ? "irse" : "ir")}{numLayers}", options)
    {
        options.Validate();
        NumLayers = numLayers;
        SqueezeExcite = squeezeExcite;
        input_layer = CreateInputLayer(options.InputChannels, options.BaseWidth);
        body = CreateBody(numLayers, squeezeExcite, options.BaseWidth, out var widths);
        StageWidths = widths;
        FeatureChannels = widths[^1];
        FeatureMapSize = options.InputSize / 16;
        output_layer = nn.Sequential(
            BatchNorm.TwoD(FeatureChannels),
            nn.Dropout(options.Dropout),
            nn.Flatten(),
            nn.Linear((long)FeatureChannels * FeatureMapSize * FeatureMapSize, options.EmbeddingSize),
            BatchNorm.OneD(options.EmbeddingSize));
        RegisterComponents();
    }

    public int NumLayers { get; }
    public bool SqueezeExcite { get; }
    public int FeatureChannels { get; }
    public int FeatureMapSize { get; }
    /// <summary>Output channels of each of the four stages (64,128,256,512 at base width 64).</summary>
    public IReadOnlyList<int> StageWidths { get; }

    public Sequential InputLayer => input_layer;
    public Sequential Body => body;
    public Sequential OutputLayer => output_layer;

    /// <summary>Conv3×3(C→w, no bias), BN, PReLU — pSp's `input_layer` (C = 6 for image ⊕ average image).</summary>
    public static Sequential CreateInputLayer(int inputChannels, int baseWidth = 64) =>
        nn.Sequential(nn.Conv2d(inputChannels, baseWidth, 3, stride: 1, padding: 1, bias: false), BatchNorm.TwoD(baseWidth), new PReLU(baseWidth));

    /// <summary>The flat body of bottleneck units (names body.0 … body.N-1 as pSp); every stage starts with stride 2.</summary>
    public static Sequential CreateBody(int numLayers, bool squeezeExcite, int baseWidth, out int[] stageWidths)
    {
        var units = UnitsFor(numLayers);
        stageWidths = [baseWidth, baseWidth * 2, baseWidth * 4, baseWidth * 8];
        var modules = new List<nn.Module<Tensor, Tensor>>();
        long inCh = baseWidth;
        for (var s = 0; s < 4; s++)
        {
            long depth = stageWidths[s];
            modules.Add(new BottleneckIR(inCh, depth, 2, squeezeExcite));
            for (var i = 1; i < units[s]; i++) modules.Add(new BottleneckIR(depth, depth, 1, squeezeExcite));
            inCh = depth;
        }
        return nn.Sequential(modules);
    }

    public override bool IsBodyParameter(string name) => name.StartsWith("input_layer.") || name.StartsWith("body.");

    /// <summary>Of the body: input_layer.* and the units of the first <paramref name="stages"/> stages (0 = the input layer only).</summary>
    public override bool IsBodyParameter(string name, int stages) => StageOfKey(name, NumLayers) is { } s && s <= stages;

    /// <summary>Where a state-dict key sits: 0 for input_layer.*, 1–4 for the stage of a body.N.* unit (pSp's flat
    /// body numbers its units through the stages), null for anything else (the head).</summary>
    public static int? StageOfKey(string key, int numLayers)
    {
        if (key.StartsWith("input_layer.", StringComparison.Ordinal)) return 0;
        if (!key.StartsWith("body.", StringComparison.Ordinal)) return null;
        var dot = key.IndexOf('.', 5);
        if (dot < 0 || !int.TryParse(key.AsSpan(5, dot - 5), out var unit)) return null;
        var units = UnitsFor(numLayers);
        for (int s = 0, end = 0; s < units.Length; s++)
            if (unit < (end += units[s])) return s + 1;
        return null;
    }

    public override Tensor forward(Tensor x)
    {
        CheckInput(x);
        using var scope = NewDisposeScope();
        return output_layer.forward(body.forward(input_layer.forward(x))).MoveToOuterDisposeScope();
    }
}
