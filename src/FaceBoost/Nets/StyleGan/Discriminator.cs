using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets.StyleGan;

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

/// <summary>Residual D block at resolution r: (fromRGB on the first) → conv0 3×3 → conv1 3×3 ↓2, plus a
/// 1×1 ↓2 skip; both branches scaled by √½ so the sum keeps unit variance.</summary>
public sealed class DiscriminatorBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2dLayer? fromrgb;
    private readonly Conv2dLayer conv0, conv1, skip;

    public DiscriminatorBlock(string name, int inChannels, int tmpChannels, int outChannels) : base(name)
    {
        if (inChannels == 0)
        {
            fromrgb = new Conv2dLayer("fromrgb", 3, tmpChannels, 1, lrelu: true);
            register_module("fromrgb", fromrgb);
        }
        conv0 = new Conv2dLayer("conv0", tmpChannels, tmpChannels, 3, lrelu: true);
        conv1 = new Conv2dLayer("conv1", tmpChannels, outChannels, 3, lrelu: true, down: true, gain: Math.Sqrt(0.5));
        skip = new Conv2dLayer("skip", tmpChannels, outChannels, 1, lrelu: false, down: true, useBias: false, gain: Math.Sqrt(0.5));
        register_module("conv0", conv0);
        register_module("conv1", conv1);
        register_module("skip", skip);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (fromrgb is not null) x = fromrgb.forward(x);
        var y = skip.forward(x);
        x = conv1.forward(conv0.forward(x));
        return x.add(y, Scalars.One).MoveToOuterDisposeScope();
    }
}

/// <summary>Shape of the residual StyleGAN2 discriminator; channel widths mirror the generator's.</summary>
public sealed record DiscriminatorOptions(
    int Resolution,
    int ChannelBase = 16384,
    int ChannelMax = 512,
    int MbstdGroupSize = 4,
    int MbstdChannels = 1)
{
    public int ChannelsAt(int resolution) => Math.Min(ChannelBase / resolution, ChannelMax);

    public static DiscriminatorOptions MatchingGenerator(GeneratorOptions g) => new(g.Resolution, g.ChannelBase, g.ChannelMax);
}
