using FaceBoost.Nets.StyleGan;


namespace FaceBoost.Training;

/// <summary>Options of a StyleGAN2-ADA run: the shared <see cref="GanSettings"/> plus the run folder, the regulariser
/// intervals and the cadence. Defaults follow stylegan2-ada-pytorch / the paper where they make sense on a CPU: Adam
/// β=(0, 0.99), R1 every 16 steps, path length every 4 steps on half batches, style mixing 0.9, ADA adjusted every
/// 4 steps. Changed for CPU-sized runs (documented): AdaKimg 20 (paper 500: p could not move in a run of a few kimg),
/// R1 γ default 1 (paper 4 at 128 px; stylegan2-ada's heuristic 0.0002·R²/B would be 0.01 at 32 px), EMA half-life
/// BatchSize·10/32 kimg with 5 % rampup.</summary>
public sealed record GanTrainOptions(
    string RunDir,
    GanSettings Settings,
    int R1Interval = 16,
    int PlInterval = 4,
    int PlBatchShrink = 2,
    double PlDecay = 0.01,
    double StyleMixingProb = 0.9,
    bool Augment = true,
    int AdaInterval = 4,
    double AdaKimg = 20,
    double EmaKimg = -1,
    double EmaRampup = 0.05,
    double SnapshotKimg = 1,
    double SampleKimg = 1,
    double LogKimg = 0.25,
    int FdImages = 500,
    int SampleGridSize = 32,
    int Seed = 0)
{
    /// <summary>The defaults of every option (the `train-gan` verb's defaults come from here).</summary>
    public static GanTrainOptions Defaults { get; } = new("", new GanSettings());

    [System.Text.Json.Serialization.JsonIgnore] public GeneratorOptions Generator => Settings.Generator();

    public double EffectiveEmaKimg => EmaKimg >= 0 ? EmaKimg : Settings.BatchSize * 10.0 / 32;

    public void Validate()
    {
        Settings.Validate();
        if (R1Interval < 1 || PlInterval < 1 || AdaInterval < 1) throw new ArgumentException("intervals must be ≥ 1");
    }

    /// <summary>Checks that the global batch splits evenly over <paramref name="worldSize"/> data-parallel ranks.</summary>
    public void ValidateParallel(int worldSize)
    {
        if (worldSize < 1 || Settings.BatchSize % worldSize != 0)
            throw new ArgumentException($"the global batch {Settings.BatchSize} does not split evenly over {worldSize} ranks");
    }
}

/// <summary>Scalar training state stored in a checkpoint so a resumed run continues exactly.</summary>
public sealed record GanTrainState(
    long ImagesShown,
    long Step,
    double AdaP,
    double PlMean,
    long NextSnapshotImages,
    long NextSampleImages,
    double? InitialFrechetDistance = null,
    double AdaSignSum = 0,
    long AdaSignCount = 0);

/// <summary>Reported by <see cref="GanTrainer.Run"/> after every logged interval.</summary>
public sealed record GanProgress(double Kimg, double TotalKimg, double LossG, double LossD, double AdaP, double? FrechetDistance, double ImagesPerSecond);
