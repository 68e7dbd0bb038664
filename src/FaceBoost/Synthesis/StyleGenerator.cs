using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

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

    /// <summary>The tracked mean w as 1×WDim (a copy, detached).</summary>
    public Tensor MeanW => mapping.WAverage.detach().clone().unsqueeze(0);

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

    /// <summary>Loads the EMA generator of a `faceboost train-gan` checkpoint (or a standalone generator file).</summary>
    public static StyleGenerator Load(string path) => GanCheckpoint.LoadGenerator(path);
}
