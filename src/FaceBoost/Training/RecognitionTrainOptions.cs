using FaceBoost.Losses;
using FaceBoost.Nets;

namespace FaceBoost.Training;

/// <summary>Everything a recognition run depends on; saved resolved as options.json in the run folder.</summary>
public sealed record RecognitionTrainOptions
{
    public TrainDataOptions Data { get; init; } = new();
    public BackboneOptions Backbone { get; init; } = new();
    public HeadOptions Head { get; init; } = new();
    public OptimizerOptions Optimizer { get; init; } = new();
    public ScheduleOptions Schedule { get; init; } = new();
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public int Seed { get; init; }
    /// <summary>libtorch intra-op threads (0 = its default). Resume is bit-exact only with the same count.</summary>
    public int Threads { get; init; } = 2;
    public string RunDir { get; init; } = "runs/train";
    public int LogEvery { get; init; } = 10;
    /// <summary>Also checkpoint every N steps (0 = only at each epoch end).</summary>
    public int CheckpointEverySteps { get; init; }
    /// <summary>How many recent checkpoints to keep (the one `latest` points to is never deleted).</summary>
    public int KeepCheckpoints { get; init; } = 2;
    public int FreezeBodyEpochs { get; init; }
    /// <summary>Checkpoint of a model whose body initialises the backbone (the encoder transfer, issue 6).</summary>
    public string? InitFrom { get; init; }
    /// <summary>Image used as the extra 3 input channels of a 6-channel backbone trained from scratch.</summary>
    public string? AverageImagePath { get; init; }
    /// <summary>Testing aid: stop (as if killed) after this many optimiser steps in this process, without a final checkpoint.</summary>
    public int? StopAfterSteps { get; init; }

    public void Validate()
    {
        Backbone.Validate();
        if (Epochs < 1) throw new ArgumentException($"epochs {Epochs} must be ≥ 1");
        if (BatchSize < 2) throw new ArgumentException($"batch size {BatchSize} must be ≥ 2 (BatchNorm needs more than one sample)");
        if (LogEvery < 1) throw new ArgumentException($"log interval {LogEvery} must be ≥ 1");
        if (CheckpointEverySteps < 0) throw new ArgumentException("checkpoint interval must be ≥ 0");
        if (KeepCheckpoints < 1) throw new ArgumentException("keep at least 1 checkpoint");
        if (FreezeBodyEpochs < 0 || FreezeBodyEpochs >= Epochs) throw new ArgumentException($"freeze-body epochs {FreezeBodyEpochs} must be in [0, {Epochs})");
        if (Optimizer.ClipGradNorm < 0) throw new ArgumentException("clip-grad must be ≥ 0");
        if (Data.LabelFraction is <= 0 or > 1) throw new ArgumentException($"label fraction {Data.LabelFraction} must be in (0, 1]");
    }
}
