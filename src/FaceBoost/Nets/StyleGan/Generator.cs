using FaceBoost.Runtime;
using Parameter = TorchSharp.Modules.Parameter;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets.StyleGan;

/// <summary>StyleGAN2 generator (stylegan2-ada-pytorch layout, state-dict keys mapping.fcN.*, mapping.w_avg,
/// synthesis.bR.{const,conv0,conv1,torgb}.*). Drive it in W+ with <see cref="Synthesis"/>.
/// Outputs are nominally in [-1, 1] but not clamped (clamping would cut gradients); clamp for display.</summary>
public sealed class StyleGenerator : nn.Module<Tensor, Tensor>
{
    private readonly MappingNetwork mapping;
    private readonly SynthesisNetwork synthesis;

    public GeneratorOptions Options { get; }
    public int NumWs => Options.NumWs;
    public int WDim => Options.WDim;
    public int ZDim => Options.ZDim;
    public int Resolution => Options.Resolution;

    public StyleGenerator(GeneratorOptions options) : base("G")
    {
        options.Validate();
        Options = options;
        mapping = new MappingNetwork(options);
        synthesis = new SynthesisNetwork(options);
        register_module("mapping", mapping);
        register_module("synthesis", synthesis);
    }

    /// <summary>z (N×ZDim) → ws (N×NumWs×WDim). Truncation lerps towards w_avg on the first `cutoff` ws
    /// (all when null). `updateAverage` (training only) moves w_avg towards this batch's mean w.</summary>
    public Tensor Mapping(Tensor z, float truncationPsi = 1, int? truncationCutoff = null, bool updateAverage = false) =>
        mapping.Map(z, truncationPsi, truncationCutoff, updateAverage);

    /// <summary>W+ (N×NumWs×WDim) → images N×3×R×R.</summary>
    public Tensor Synthesis(Tensor ws, NoiseMode noise = NoiseMode.Const) => synthesis.Forward(ws, noise);

    public Tensor Forward(Tensor z, float truncationPsi = 1, NoiseMode noise = NoiseMode.Const)
    {
        using var scope = NewDisposeScope();
        return Synthesis(Mapping(z, truncationPsi), noise).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor z) => Forward(z);

    /// <summary>|noise_strength| of every synthesis layer by its state-dict name (they start at 0 and are learned): how
    /// much per-pixel noise each layer adds — large values stamp the const-noise pattern on every sample.</summary>
    public IReadOnlyList<(string Layer, float Strength)> NoiseStrengths()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return named_parameters().Where(p => p.name.EndsWith("noise_strength", StringComparison.Ordinal))
            .Select(p => (p.name[..^".noise_strength".Length], p.parameter.abs().item<float>())).ToList();
    }

    /// <summary>Projects every layer's noise strength into [−max, max] in place (no gradient): the trainer's bound on
    /// how much per-pixel noise a layer may add (<c>GanSettings.NoiseStrengthMax</c>).</summary>
    public void ClampNoiseStrengths(double max)
    {
        if (!(max >= 0) || double.IsInfinity(max)) throw new ArgumentOutOfRangeException(nameof(max), max, "must be a finite number ≥ 0");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var hi = max.ToScalar();
        using var lo = (-max).ToScalar();
        foreach (var (name, p) in named_parameters())
            if (name.EndsWith("noise_strength", StringComparison.Ordinal)) p.clamp_(lo, hi);
    }

    /// <summary>The tracked mean w as 1×WDim (a copy, detached).</summary>
    public Tensor MeanW
    {
        get
        {
            using var scope = NewDisposeScope(); // holds the chain's temporaries until unsqueeze has read them
            return mapping.WAverage.detach().clone().unsqueeze(0).MoveToOuterDisposeScope();
        }
    }

    /// <summary>MeanW repeated to 1×NumWs×WDim (the W+ origin an encoder adds its offsets to).</summary>
    public Tensor MeanWs()
    {
        using var scope = NewDisposeScope();
        return mapping.WAverage.detach().reshape(1, 1, -1).repeat(1, NumWs, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Synthesis(MeanW repeated, const noise), 1×3×R×R, without gradient.</summary>
    public Tensor AverageImage()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return Synthesis(MeanWs(), NoiseMode.Const).MoveToOuterDisposeScope();
    }

    /// <summary>A deep copy (same options and weights), e.g. for the EMA generator.</summary>
    public StyleGenerator Clone()
    {
        var copy = new StyleGenerator(Options);
        using (no_grad())
        {
            var src = state_dict();
            foreach (var (k, v) in copy.state_dict()) v.copy_(src[k]);
        }
        copy.train(training);
        return copy;
    }
}

/// <summary>Shape of a StyleGAN2 generator. Channel width at resolution r is min(ChannelBase / r, ChannelMax),
/// as in stylegan2-ada-pytorch; small values (e.g. 2048 / 128) give a CPU-sized network. <see cref="NoiseInputs"/>
/// false is stylegan2-ada's use_noise=False: the synthesis layers add no per-pixel noise in any <see cref="NoiseMode"/>
/// (their noise_strength and noise_const stay in the state dict, at 0 and unused, so the keys match either way).</summary>
public sealed record GeneratorOptions(
    int Resolution,
    int ZDim = 512,
    int WDim = 512,
    int MappingLayers = 8,
    int ChannelBase = 16384,
    int ChannelMax = 512,
    float MappingLrMultiplier = 0.01f,
    float WAverageBeta = 0.995f,
    bool? NoiseInputs = null)
{
    /// <summary>false: no noise inputs. Stored as null when on (true is normalised to null), so headers and stage keys of
    /// generators with noise inputs stay as they were before the option existed, and equal options compare equal.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? NoiseInputs { get => _noiseInputs; init => _noiseInputs = value == false ? false : null; }
    private readonly bool? _noiseInputs = NoiseInputs == false ? false : null;

    /// <summary>Whether the synthesis layers add per-pixel noise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasNoiseInputs => NoiseInputs != false;

    /// <summary>One w per modulated conv plus the final toRGB: 2·log2(R) − 2 (12 at 128, 14 at 256).</summary>
    public int NumWs => 2 * Log2Resolution - 2;

    public int Log2Resolution => (int)Math.Round(Math.Log2(Resolution));

    public int ChannelsAt(int resolution) => Math.Min(ChannelBase / resolution, ChannelMax);

    public void Validate()
    {
        if (Resolution < 8 || Resolution > 1024 || (Resolution & (Resolution - 1)) != 0)
            throw new ArgumentException($"resolution {Resolution} must be a power of two in 8…1024 (32…256 is what FaceBoost tests)");
        if (ZDim <= 0 || WDim <= 0) throw new ArgumentException($"ZDim {ZDim} and WDim {WDim} must be positive");
        if (MappingLayers < 1) throw new ArgumentException($"MappingLayers {MappingLayers} must be ≥ 1");
        if (ChannelsAt(Resolution) < 1)
            throw new ArgumentException($"ChannelBase {ChannelBase} / resolution {Resolution} leaves no channels; raise ChannelBase");
    }
}

/// <summary>ws (N×NumWs×WDim) → image N×3×R×R: blocks b4, b8, …, bR with the skip (toRGB sum) architecture.</summary>
public sealed class SynthesisNetwork : nn.Module<Tensor, Tensor>
{
    private readonly List<SynthesisBlock> _blocks = new();
    private readonly GeneratorOptions _o;

    public SynthesisNetwork(GeneratorOptions o) : base("synthesis")
    {
        _o = o;
        for (var res = 4; res <= o.Resolution; res *= 2)
        {
            var inCh = res == 4 ? 0 : o.ChannelsAt(res / 2);
            var block = new SynthesisBlock($"b{res}", inCh, o.ChannelsAt(res), o.WDim, res);
            _blocks.Add(block);
            register_module($"b{res}", block);
        }
    }

    public override Tensor forward(Tensor ws) => Forward(ws, NoiseMode.Const);

    public Tensor Forward(Tensor ws, NoiseMode noise)
    {
        if (ws.dim() != 3 || ws.shape[1] != _o.NumWs || ws.shape[2] != _o.WDim)
            throw new ArgumentException($"synthesis expects ws of shape N×{_o.NumWs}×{_o.WDim}, got {string.Join('×', ws.shape)}");
        if (!_o.HasNoiseInputs) noise = NoiseMode.None;
        using var scope = NewDisposeScope();
        Tensor? x = null, img = null;
        var wIdx = 0;
        foreach (var b in _blocks)
        {
            (x, img) = b.Forward(x, img, ws.narrow(1, wIdx, b.NumConv + 1), noise);
            wIdx += b.NumConv;
        }
        return img!.MoveToOuterDisposeScope();
    }
}

/// <summary>One resolution of the synthesis network: (const | up-conv0) → conv1 → toRGB, image summed
/// through upsampled skips. Uses NumConv + 1 consecutive ws; the toRGB w is shared with the next block's conv0.</summary>
public sealed class SynthesisBlock : nn.Module<Tensor, Tensor>
{
    private readonly Parameter? @const;
    private readonly SynthesisLayer? conv0;
    private readonly SynthesisLayer conv1;
    private readonly ToRgbLayer torgb;

    public int Resolution { get; }
    public int NumConv => conv0 is null ? 1 : 2;

    public SynthesisBlock(string name, int inChannels, int outChannels, int wDim, int resolution) : base(name)
    {
        Resolution = resolution;
        if (inChannels == 0)
        {
            @const = new Parameter(randn(outChannels, resolution, resolution));
            register_parameter("const", @const);
        }
        else
        {
            conv0 = new SynthesisLayer("conv0", inChannels, outChannels, wDim, resolution, up: true);
            register_module("conv0", conv0);
        }
        conv1 = new SynthesisLayer("conv1", outChannels, outChannels, wDim, resolution, up: false);
        register_module("conv1", conv1);
        torgb = new ToRgbLayer("torgb", outChannels, wDim);
        register_module("torgb", torgb);
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("call Forward(x, img, ws, noise)");

    /// <param name="ws">N×(NumConv+1)×WDim</param>
    public (Tensor X, Tensor Img) Forward(Tensor? x, Tensor? img, Tensor ws, NoiseMode noise)
    {
        using var scope = NewDisposeScope();
        var n = ws.shape[0];
        var k = 0;
        if (@const is not null)
        {
            x = @const.unsqueeze(0).repeat(n, 1, 1, 1);
            x = conv1.Forward(x, ws.select(1, k++), noise);
        }
        else
        {
            x = conv0!.Forward(x!, ws.select(1, k++), noise);
            x = conv1.Forward(x, ws.select(1, k++), noise);
        }
        var y = torgb.Forward(x, ws.select(1, k));
        img = img is null ? y : Resampling.Upsample2x(img).add(y, Scalars.One);
        return (x.MoveToOuterDisposeScope(), img.MoveToOuterDisposeScope());
    }
}

/// <summary>Modulated 3×3 conv (optionally after 2× upsampling) + per-pixel noise with learned strength
/// + bias + lrelu·√2. Its style comes from one w through an affine layer (bias init 1).</summary>
public sealed class SynthesisLayer : nn.Module<Tensor, Tensor>
{
    private readonly FullyConnectedLayer affine;
    private readonly Parameter weight, bias, noise_strength;
    private readonly Tensor noise_const;
    private readonly bool _up;
    private readonly int _resolution;

    public SynthesisLayer(string name, int inChannels, int outChannels, int wDim, int resolution, bool up) : base(name)
    {
        affine = new FullyConnectedLayer("affine", wDim, inChannels, biasInit: 1);
        register_module("affine", affine);
        weight = new Parameter(randn(outChannels, inChannels, 3, 3));
        register_parameter("weight", weight);
        bias = new Parameter(zeros(outChannels));
        register_parameter("bias", bias);
        noise_strength = new Parameter(zeros(Array.Empty<long>()));
        register_parameter("noise_strength", noise_strength);
        noise_const = randn(resolution, resolution);
        register_buffer("noise_const", noise_const);
        _up = up;
        _resolution = resolution;
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("call Forward(x, w, noise)");

    public Tensor Forward(Tensor x, Tensor w, NoiseMode noise)
    {
        using var scope = NewDisposeScope();
        var styles = affine.forward(w);
        if (_up) x = Resampling.Upsample2x(x);
        var y = ModulatedConv.Apply(x, weight, styles, demodulate: true, padding: 1, fused: false); // unfused: faster on CPU in training and inference
        if (noise == NoiseMode.Random)
            y = y.add(randn(y.shape[0], 1, _resolution, _resolution, dtype: y.dtype, device: y.device).mul(noise_strength), Scalars.One);
        else if (noise == NoiseMode.Const)
            y = y.add(noise_const.mul(noise_strength), Scalars.One);
        y = y.add(bias.reshape(1, -1, 1, 1), Scalars.One).leaky_relu(Scalars.LeakySlope).mul(Scalars.Sqrt2);
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>1×1 modulated conv without demodulation to 3 channels (the skip-architecture image output).</summary>
public sealed class ToRgbLayer : nn.Module<Tensor, Tensor>
{
    private readonly FullyConnectedLayer affine;
    private readonly Parameter weight, bias;
    private readonly double _weightGain;

    public ToRgbLayer(string name, int inChannels, int wDim) : base(name)
    {
        affine = new FullyConnectedLayer("affine", wDim, inChannels, biasInit: 1);
        register_module("affine", affine);
        weight = new Parameter(randn(3, inChannels, 1, 1));
        register_parameter("weight", weight);
        bias = new Parameter(zeros(3));
        register_parameter("bias", bias);
        _weightGain = 1 / Math.Sqrt(inChannels);
    }

    public override Tensor forward(Tensor x) => throw new NotSupportedException("call Forward(x, w)");

    public Tensor Forward(Tensor x, Tensor w)
    {
        using var scope = NewDisposeScope();
        using var weightGain = _weightGain.ToScalar();
        var styles = affine.forward(w).mul(weightGain);
        var y = ModulatedConv.Apply(x, weight, styles, demodulate: false, padding: 0, fused: false);
        return y.add(bias.reshape(1, -1, 1, 1), Scalars.One).MoveToOuterDisposeScope();
    }
}
