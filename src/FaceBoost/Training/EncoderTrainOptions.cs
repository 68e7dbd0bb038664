using FaceBoost.Losses;
using FaceBoost.Nets;

namespace FaceBoost.Training;

/// <summary>Everything an encoder run depends on; written to the run folder as options.json.</summary>
/// <param name="GeneratorCheckpoint">The frozen generator (recorded; the caller loads it).</param>
/// <param name="DataFolder">Unlabeled aligned faces.</param>
/// <param name="RunDir">Output: options.json, stats.jsonl, average.png, grids/, ckpt-s*.fbck + latest.</param>
/// <param name="Resolution">Encoder input and loss size; generator outputs are pooled to it (paper 112).</param>
/// <param name="Optimizer">"ranger" (paper) or "adam".</param>
/// <param name="LpipsWeights">PyTorch LPIPS-AlexNet state dict(s); without them the perceptual term is 1 − MS-SSIM.</param>
/// <param name="Iterations">ReStyle passes (paper 1).</param>
/// <param name="MicroBatches">Split each rank's batch into this many chunks whose gradients accumulate (BatchNorm
/// then sees chunk statistics, as data-parallel ranks do; also lowers peak memory).</param>
public sealed record EncoderTrainOptions(
    string? GeneratorCheckpoint,
    string? DataFolder,
    string RunDir,
    int Resolution = 112,
    int BatchSize = 8,
    int Steps = 1000,
    double LearningRate = 1e-4,
    string Optimizer = "ranger",
    double L2Weight = 1.0,
    double PerceptualWeight = 0.8,
    double WNormWeight = 0.0,
    string[]? LpipsWeights = null,
    int NumLayers = 50,
    string Mode = "ir_se",
    int Width = 64,
    StyleHead Head = StyleHead.Pool,
    int Iterations = 1,
    int GridEvery = 100,
    int CheckpointEvery = 200,
    int LogEvery = 10,
    int MaxImages = 0,
    int Seed = 0,
    bool Resume = true,
    int MicroBatches = 1)
{
    public ReconstructionWeights Weights => new(L2Weight, PerceptualWeight, WNormWeight);

    /// <summary>Checks that the global batch splits over <paramref name="worldSize"/> ranks and then into micro-batches.</summary>
    public void ValidateParallel(int worldSize)
    {
        if (worldSize < 1 || BatchSize % worldSize != 0 || BatchSize / worldSize % MicroBatches != 0)
            throw new ArgumentException($"the global batch {BatchSize} must split evenly over {worldSize} ranks and then into {MicroBatches} micro-batches");
    }

    public PspEncoderOptions EncoderFor(int numWs, int wDim) =>
        new(NumLayers, Mode, Width, Resolution, numWs, wDim, Head);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RunDir)) throw new ArgumentException("the run folder (--run-dir) must be given");
        if (Resolution < 16 || Resolution % 16 != 0 || Resolution > 1024) throw new ArgumentException($"resolution must be a multiple of 16 in [16, 1024], got {Resolution}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {BatchSize}");
        if (MicroBatches < 1 || BatchSize % MicroBatches != 0)
            throw new ArgumentException($"micro-batches must be ≥ 1 and divide the batch {BatchSize}, got {MicroBatches}");
        if (Steps < 1) throw new ArgumentException($"steps must be ≥ 1, got {Steps}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (Optimizer is not ("ranger" or "adam")) throw new ArgumentException($"optimizer must be ranger or adam, got '{Optimizer}'");
        if (L2Weight < 0 || PerceptualWeight < 0 || WNormWeight < 0) throw new ArgumentException("loss weights must be ≥ 0");
        if (NumLayers is not (18 or 34 or 50 or 100 or 152)) throw new ArgumentException($"depth must be 18, 34, 50, 100 or 152, got {NumLayers}");
        if (Mode is not ("ir" or "ir_se")) throw new ArgumentException($"mode must be ir or ir_se, got '{Mode}'");
        if (Width < 4 || Width > 1024) throw new ArgumentException($"width must be in [4, 1024], got {Width}");
        if (Iterations < 1) throw new ArgumentException($"iterations must be ≥ 1, got {Iterations}");
        if (GridEvery < 1 || CheckpointEvery < 1 || LogEvery < 1) throw new ArgumentException("grid/checkpoint/log intervals must be ≥ 1");
        if (MaxImages < 0) throw new ArgumentException($"max images must be ≥ 0, got {MaxImages}");
    }
}

/// <summary>One line of stats.jsonl.</summary>
public sealed record EncoderStepStats(int Step, int Epoch, double L2, double Perceptual, double WNorm, double Total, double ImagesPerSecond);
