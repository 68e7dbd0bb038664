using FaceBoost.Losses;
using FaceBoost.Nets;

namespace FaceBoost.Training;

/// <summary>Everything an encoder run depends on; written to the run folder as options.json.</summary>
/// <param name="GeneratorCheckpoint">The frozen generator (recorded; the caller loads it).</param>
/// <param name="DataFolder">Unlabeled aligned faces.</param>
/// <param name="RunDir">Output: options.json, stats.jsonl, average.png, grids/, ckpt-s*.fbck + latest.</param>
/// <param name="Settings">The training knobs shared with an experiment's "encoder" section.</param>
/// <param name="Resolution">Encoder input and loss size; generator outputs are pooled to it (paper 112).</param>
/// <param name="LpipsWeights">PyTorch LPIPS-AlexNet state dict(s); without them the perceptual term is 1 − MS-SSIM.</param>
/// <param name="Iterations">ReStyle passes (paper 1).</param>
/// <param name="MicroBatches">Split each rank's batch into this many chunks whose gradients accumulate (BatchNorm
/// then sees chunk statistics, as data-parallel ranks do; also lowers peak memory).</param>
public sealed record EncoderTrainOptions(
    string? GeneratorCheckpoint,
    string? DataFolder,
    string RunDir,
    EncoderSettings Settings,
    int Resolution = 112,
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
    /// <summary>The defaults of every option (the `train-encoder` verb's defaults come from here).</summary>
    public static EncoderTrainOptions Defaults { get; } = new(null, null, "", new EncoderSettings());

    public ReconstructionWeights Weights => new(Settings.L2Weight, Settings.PerceptualWeight, Settings.WNormWeight);

    /// <summary>Checks that the global batch splits over <paramref name="worldSize"/> ranks and then into micro-batches.</summary>
    public void ValidateParallel(int worldSize)
    {
        var batch = Settings.BatchSize;
        if (worldSize < 1 || batch % worldSize != 0 || batch / worldSize % MicroBatches != 0)
            throw new ArgumentException($"the global batch {batch} must split evenly over {worldSize} ranks and then into {MicroBatches} micro-batches");
    }

    public PspEncoderOptions EncoderFor(int numWs, int wDim) =>
        new(NumLayers, Mode, Width, Resolution, numWs, wDim, Head);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RunDir)) throw new ArgumentException("the run folder (--run-dir) must be given");
        Settings.Validate();
        if (Resolution < 16 || Resolution % 16 != 0 || Resolution > 1024) throw new ArgumentException($"resolution must be a multiple of 16 in [16, 1024], got {Resolution}");
        if (MicroBatches < 1 || Settings.BatchSize % MicroBatches != 0)
            throw new ArgumentException($"micro-batches must be ≥ 1 and divide the batch {Settings.BatchSize}, got {MicroBatches}");
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
