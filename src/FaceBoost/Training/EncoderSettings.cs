namespace FaceBoost.Training;

/// <summary>The knobs of an encoder run that the `train-encoder` verb and an experiment's "encoder" section share: one
/// record, one set of defaults (the paper's: batch 8, Ranger at 1e-4, L2 1 + perceptual 0.8, no w-norm). The encoder
/// architecture, run folder and cadence are in <see cref="EncoderTrainOptions"/>.</summary>
public sealed record EncoderSettings
{
    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>The global batch: with N data-parallel ranks each takes BatchSize/N.</summary>
    public int BatchSize { get; init; } = 8;
    public double Lr { get; init; } = 1e-4;
    /// <summary>"ranger" (paper) or "adam".</summary>
    public string Optimizer { get; init; } = "ranger";
    public double L2Weight { get; init; } = 1.0;
    /// <summary>LPIPS weight (1 − MS-SSIM when no LPIPS weights are given).</summary>
    public double PerceptualWeight { get; init; } = 0.8;
    public double WNormWeight { get; init; } = 0.0;
    /// <summary>The frozen generator's per-layer noise inputs while inverting: "const" (the stored buffers, as pSp and
    /// stylegan2-ada's projector) or "none" (off; for a generator whose learned noise strengths stamp the same speckle on
    /// every image, method.md §17). null = const; left out of the JSON when null so earlier stage keys stay.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? InversionNoise { get; init; }

    public static readonly string[] Optimizers = ["ranger", "adam"];
    public static readonly string[] InversionNoises = ["const", "none"];

    /// <summary>The noise mode <see cref="InversionNoise"/> names.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Nets.StyleGan.NoiseMode InversionNoiseMode => NoiseModeOf(InversionNoise);

    /// <summary>"none" → no noise; null or "const" → the stored buffers (also for an encoder checkpoint's recorded value).</summary>
    public static Nets.StyleGan.NoiseMode NoiseModeOf(string? inversionNoise) =>
        inversionNoise == "none" ? Nets.StyleGan.NoiseMode.None : Nets.StyleGan.NoiseMode.Const;

    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {BatchSize}");
        if (Steps < 1) throw new ArgumentException($"steps must be ≥ 1, got {Steps}");
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new ArgumentException($"learning rate must be positive, got {Lr}");
        if (!Optimizers.Contains(Optimizer, StringComparer.Ordinal)) throw new ArgumentException($"optimizer must be ranger or adam, got '{Optimizer}'");
        if (L2Weight < 0 || PerceptualWeight < 0 || WNormWeight < 0) throw new ArgumentException("loss weights must be ≥ 0");
        if (InversionNoise is not null && !InversionNoises.Contains(InversionNoise, StringComparer.Ordinal))
            throw new ArgumentException($"inversion noise must be const or none, got '{InversionNoise}'");
    }
}
