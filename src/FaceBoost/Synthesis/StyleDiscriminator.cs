using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>StyleGAN2 residual discriminator: blocks bR … b8, then the 4×4 epilogue (minibatch stddev,
/// 3×3 conv, FC, FC → 1 logit). Images N×3×R×R in [-1, 1] → logits N×1.</summary>
public sealed class StyleDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly List<DiscriminatorBlock> _blocks = new();
    private readonly Conv2dLayer b4_conv;
    private readonly FullyConnectedLayer b4_fc, b4_out;
    private readonly int _c4;

    public DiscriminatorOptions Options { get; }

    public StyleDiscriminator(DiscriminatorOptions o) : base("D")
    {
        Options = o;
        if (o.Resolution < 8 || (o.Resolution & (o.Resolution - 1)) != 0)
            throw new ArgumentException($"discriminator resolution {o.Resolution} must be a power of two ≥ 8");
        for (var res = o.Resolution; res > 4; res /= 2)
        {
            var block = new DiscriminatorBlock($"b{res}", res == o.Resolution ? 0 : o.ChannelsAt(res), o.ChannelsAt(res), o.ChannelsAt(res / 2));
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
        _c4 = o.ChannelsAt(4);
        b4_conv = new Conv2dLayer("conv", _c4 + o.MbstdChannels, _c4, 3, lrelu: true);
        b4_fc = new FullyConnectedLayer("fc", _c4 * 16, _c4, lrelu: true);
        b4_out = new FullyConnectedLayer("out", _c4, 1);
        // Keys b4.conv / b4.fc / b4.out as in the reference epilogue.
        register_module("b4_conv", b4_conv);
        register_module("b4_fc", b4_fc);
        register_module("b4_out", b4_out);
    }

    public override Tensor forward(Tensor img)
    {
        var r = Options.Resolution;
        if (img.dim() != 4 || img.shape[1] != 3 || img.shape[2] != r || img.shape[3] != r)
            throw new ArgumentException($"discriminator expects N×3×{r}×{r}, got {string.Join('×', img.shape)}");
        using var scope = NewDisposeScope();
        var x = img;
        foreach (var b in _blocks) x = b.forward(x);
        x = MinibatchStd(x, Options.MbstdGroupSize, Options.MbstdChannels);
        x = b4_conv.forward(x);
        x = b4_fc.forward(x.flatten(1));
        return b4_out.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Appends the std over groups of G samples (averaged over features) as extra channels: lets D
    /// see batch diversity and so penalise mode collapse.</summary>
    public static Tensor MinibatchStd(Tensor x, int groupSize, int channels)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var g = Math.Min(groupSize, n);
        while (n % g != 0) g--;     // largest group size that divides the batch
        var f = channels;
        var y = x.reshape(g, -1, f, c / f, h, w);
        y = y - y.mean([0]);
        y = y.pow(Scalars.Two).mean([0]);
        y = y.add(Scalars.Epsilon8, Scalars.One).sqrt();
        y = y.mean([2, 3, 4]);                // n/g × F
        y = y.reshape(-1, f, 1, 1).repeat(g, 1, h, w);
        return cat([x, y], 1).MoveToOuterDisposeScope();
    }
}
