using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceBoost.Nets;

/// <summary>pSp/ReStyle BackboneEncoder: an IR-SE body over 6 input channels (image ⊕ average image)
/// predicting a W+ offset, one w per style layer. Field names follow pSp, so `input_layer.*` and
/// `body.*` keys line up with the recognition backbone that later inherits them.</summary>
public sealed class PspEncoder : Module<Tensor, Tensor>
{
    private readonly Sequential input_layer;
    private readonly Sequential body;
    private readonly AdaptiveAvgPool2d? output_pool;
    private readonly EqualLinear? linear;
    private readonly ModuleList<GradualStyleBlock>? styles;

    public PspEncoderOptions Options { get; }

    public PspEncoder(PspEncoderOptions options) : base("BackboneEncoder")
    {
        options.Validate();
        Options = options;
        // The one IR/IR-SE implementation, shared with the recognition backbone that inherits these weights.
        input_layer = IrseBackbone.CreateInputLayer(PspEncoderOptions.InputChannels, options.Width);
        body = IrseBackbone.CreateBody(options.NumLayers, options.Mode == "ir_se", options.Width, out var widths);
        var channels = widths[^1];
        if (options.Head == StyleHead.Pool)
        {
            output_pool = nn.AdaptiveAvgPool2d(1);
            linear = new EqualLinear(channels, options.NumWs * options.WDim);
        }
        else
        {
            styles = new ModuleList<GradualStyleBlock>(Enumerable.Range(0, options.NumWs)
                .Select(_ => new GradualStyleBlock(channels, options.WDim, options.FeatureSize)).ToArray());
        }
        RegisterComponents();
    }

    /// <summary>N×6×S×S → N×NumWs×WDim offset from the mean latent.</summary>
    public override Tensor forward(Tensor x)
    {
        var s = Options.InputSize;
        if (x.dim() != 4 || x.shape[1] != PspEncoderOptions.InputChannels || x.shape[2] != s || x.shape[3] != s)
            throw new ArgumentException($"encoder expects N×6×{s}×{s} (image ⊕ average image), got [{string.Join(",", x.shape)}]");
        using var scope = NewDisposeScope(); // holds the chained temporaries for callers without a scope
        var f = body.forward(input_layer.forward(x));
        if (linear is not null)
            return linear.forward(output_pool!.forward(f).flatten(1)).reshape(-1, Options.NumWs, Options.WDim).MoveToOuterDisposeScope();
        return stack(styles!.Select(st => st.forward(f)).ToArray(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>The state-dict prefixes that transfer into a recognition backbone.</summary>
    public static readonly string[] TransferPrefixes = ["input_layer.", "body."];
}
