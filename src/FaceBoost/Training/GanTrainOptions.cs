using FaceBoost.Nets.StyleGan;


namespace FaceBoost.Training;

/// <summary>Options of a StyleGAN2-ADA run. Defaults follow stylegan2-ada-pytorch / the paper where they make sense
/// on a CPU: lr G 0.002 / D 0.0025, Adam β=(0, 0.99), R1 every 16 steps, path length weight 2 every 4 steps on half
/// batches, style mixing 0.9, ADA target 0.6 adjusted every 4 steps. Changed for CPU-sized runs (documented):
/// AdaKimg 20 (paper 500: p could not move in a run of a few kimg), R1 γ default 1 (paper 4 at 128 px;
/// stylegan2-ada's heuristic 0.0002·R²/B would be 0.01 at 32 px), EMA half-life BatchSize·10/32 kimg with 5 % rampup.</summary>
public sealed record GanTrainOptions(
    string RunDir,
    GeneratorOptions Generator,
    int BatchSize = 16,
    double TotalKimg = 20,
    float LrG = 0.002f,
    float LrD = 0.0025f,
    double R1Gamma = 1,
    int R1Interval = 16,
    double PlWeight = 2,
    int PlInterval = 4,
    int PlBatchShrink = 2,
    double PlDecay = 0.01,
    double StyleMixingProb = 0.9,
    bool Augment = true,
    double AdaTarget = 0.6,
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
    public double EffectiveEmaKimg => EmaKimg >= 0 ? EmaKimg : BatchSize * 10.0 / 32;

    public void Validate()
    {
        Generator.Validate();
        if (BatchSize < 2) throw new ArgumentException($"batch {BatchSize} must be ≥ 2 (minibatch stddev)");
        if (TotalKimg <= 0) throw new ArgumentException($"kimg {TotalKimg} must be positive");
        if (LrG <= 0 || LrD <= 0) throw new ArgumentException("learning rates must be positive");
        if (R1Gamma < 0 || PlWeight < 0) throw new ArgumentException("r1 gamma and pl weight must be ≥ 0");
        if (R1Interval < 1 || PlInterval < 1 || AdaInterval < 1) throw new ArgumentException("intervals must be ≥ 1");
        if (AdaTarget is <= 0 or >= 1) throw new ArgumentException($"ada target {AdaTarget} must be in (0, 1)");
    }

    /// <summary>Checks that the global batch splits evenly over <paramref name="worldSize"/> data-parallel ranks.</summary>
    public void ValidateParallel(int worldSize)
    {
        if (worldSize < 1 || BatchSize % worldSize != 0)
            throw new ArgumentException($"the global batch {BatchSize} does not split evenly over {worldSize} ranks");
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
