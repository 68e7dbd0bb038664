using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Training;

/// <summary>The knobs of a StyleGAN2-ADA run that the `train-gan` verb and an experiment's "gan" section share: one
/// record, one set of defaults (JSON keys are the camelCase names). Generator architecture, budget, batch, learning
/// rates, R1 γ, path-length weight and ADA target; the run folder, intervals and cadence are in <see cref="GanTrainOptions"/>.
/// Defaults follow stylegan2-ada-pytorch where they make sense on a CPU (see <see cref="GanTrainOptions"/>).</summary>
public sealed record GanSettings
{
    private static readonly GeneratorOptions Architecture = new(32);

    /// <summary>Output resolution (a power of two).</summary>
    public int Resolution { get; init; } = Architecture.Resolution;
    /// <summary>Train until this many thousand real images were shown.</summary>
    public double Kimg { get; init; } = 20;
    /// <summary>The global batch: with N data-parallel ranks each takes BatchSize/N.</summary>
    public int BatchSize { get; init; } = 16;
    public int ZDim { get; init; } = Architecture.ZDim;
    public int WDim { get; init; } = Architecture.WDim;
    public int MappingLayers { get; init; } = Architecture.MappingLayers;
    public int ChannelBase { get; init; } = Architecture.ChannelBase;
    public int ChannelMax { get; init; } = Architecture.ChannelMax;
    /// <summary>Adam learning rates; the trainer uses them in single precision, as it always has.</summary>
    public double LrG { get; init; } = 0.002;
    public double LrD { get; init; } = 0.0025;
    /// <summary>R1 weight γ (paper 4 at 128 px; 1 here, 0.1 suits 32 px).</summary>
    public double R1Gamma { get; init; } = 1;
    /// <summary>Path-length regularisation weight (0 = off).</summary>
    public double PlWeight { get; init; } = 2;
    public double AdaTarget { get; init; } = 0.6;
    /// <summary>false: the generator has no per-pixel noise inputs (stylegan2-ada's use_noise=False), so no layer can
    /// learn a noise strength that stamps the const pattern on every inversion (method.md §17–18). null = on, as
    /// StyleGAN2 (an explicit true is stored as null, like <see cref="GeneratorOptions.NoiseInputs"/>); left out of the
    /// JSON when null so existing stage keys stay as they were and "true" in a config names the same GAN stage.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? NoiseInputs { get => _noiseInputs; init => _noiseInputs = value == false ? false : null; }
    private readonly bool? _noiseInputs;
    /// <summary>Keeps the noise inputs but bounds what they can do: after every generator step each layer's learned
    /// noise strength is projected into [−max, max]. A remedy of ours, not stylegan2-ada's (§17's speckle came from one
    /// layer whose strength reached 0.06 while every other stayed ≤ 0.006). null = unbounded, as StyleGAN2; left out of
    /// the JSON when null so existing GAN stage keys stay as they were.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? NoiseStrengthMax { get; init; }

    /// <summary>The generator these settings describe (a method, so it is not part of the serialised settings).</summary>
    public GeneratorOptions Generator() => new(Resolution, ZDim, WDim, MappingLayers, ChannelBase, ChannelMax, NoiseInputs: NoiseInputs);

    public void Validate()
    {
        Generator().Validate();
        if (BatchSize < 2) throw new ArgumentException($"batch {BatchSize} must be ≥ 2 (minibatch stddev)");
        if (!(Kimg > 0) || double.IsInfinity(Kimg)) throw new ArgumentException($"kimg {Kimg} must be positive");
        if (!(LrG > 0) || !(LrD > 0) || double.IsInfinity(LrG) || double.IsInfinity(LrD)) throw new ArgumentException("learning rates must be positive");
        if (R1Gamma < 0 || PlWeight < 0) throw new ArgumentException("r1 gamma and pl weight must be ≥ 0");
        if (AdaTarget is <= 0 or >= 1) throw new ArgumentException($"ada target {AdaTarget} must be in (0, 1)");
        if (NoiseStrengthMax is { } cap && (!(cap >= 0) || double.IsInfinity(cap)))
            throw new ArgumentException($"noise strength max {cap} must be a finite number ≥ 0 (leave it out for no bound)");
        if (NoiseStrengthMax is not null && NoiseInputs == false)
            throw new ArgumentException("noise strength max bounds the noise inputs, but noiseInputs is false: set one or the other");
    }
}
