using FaceBoost.Losses;
using FaceBoost.Nets;

namespace FaceBoost.Training;

/// <summary>Everything a recognition run depends on; saved resolved as options.json in the run folder. The training
/// knobs it shares with an experiment come from <see cref="RecognitionSettings"/> (<see cref="RecognitionSettings.ApplyTo"/>),
/// whose defaults are these.</summary>
public sealed record RecognitionTrainOptions
{
    public TrainDataOptions Data { get; init; } = new();
    public BackboneOptions Backbone { get; init; } = new();
    public HeadOptions Head { get; init; } = new();
    public OptimizerOptions Optimizer { get; init; } = new();
    public ScheduleOptions Schedule { get; init; } = new();
    public int Epochs { get; init; } = RecognitionSettings.Defaults.Epochs;
    /// <summary>The GLOBAL batch of one optimiser step: with N data-parallel ranks each rank trains on BatchSize/N.</summary>
    public int BatchSize { get; init; } = RecognitionSettings.Defaults.BatchSize;
    /// <summary>Split each rank's batch into this many chunks whose gradients accumulate (BatchNorm then sees chunk
    /// statistics). 1 = off. A single process with MicroBatches = N computes what N ranks compute.</summary>
    public int MicroBatches { get; init; } = 1;
    public int Seed { get; init; }
    /// <summary>libtorch intra-op threads (0 = its default). Resume is bit-exact only with the same count.</summary>
    public int Threads { get; init; } = 2;
    public string RunDir { get; init; } = "runs/train";
    public int LogEvery { get; init; } = 10;
    /// <summary>Also checkpoint every N steps (0 = only at each epoch end).</summary>
    public int CheckpointEverySteps { get; init; }
    /// <summary>How many recent checkpoints to keep (the one `latest` points to is never deleted).</summary>
    public int KeepCheckpoints { get; init; } = 2;
    public int FreezeBodyEpochs { get; init; } = RecognitionSettings.Defaults.FreezeBodyEpochs;
    /// <summary>Learning-rate multiplier of the body (input layer + body) against the head's rate: fine-tuning a
    /// pretrained body slower than a new head (1 = one rate for all, as the paper).</summary>
    public double BodyLrScale { get; init; } = 1;
    /// <summary>How much of an --init-from encoder's body is copied: its input layer and the units of the first N of the
    /// body's 4 stages (4 = all, as the paper; 0 = the input layer only). Only what was copied is frozen and slowed by
    /// <see cref="BodyLrScale"/>; the later stages start fresh and train from the first step.</summary>
    public int TransferStages { get; init; } = 4;
    /// <summary>Checkpoint of a model whose body initialises the backbone (the encoder transfer, issue 6).</summary>
    public string? InitFrom { get; init; }
    /// <summary>Image used as the extra 3 input channels of a 6-channel backbone trained from scratch.</summary>
    public string? AverageImagePath { get; init; }
    /// <summary>Testing aid: stop (as if killed) after this many optimiser steps in this process, without a final checkpoint.</summary>
    public int? StopAfterSteps { get; init; }

    /// <summary>Per-rank batch for <paramref name="worldSize"/> ranks; the global batch must split evenly.</summary>
    public int BatchPerRank(int worldSize) => BatchSize / worldSize;

    public void ValidateParallel(int worldSize)
    {
        if (worldSize < 1) throw new ArgumentException($"world size {worldSize} must be ≥ 1");
        if (BatchSize % (worldSize * MicroBatches) != 0)
            throw new ArgumentException($"global batch size {BatchSize} must be divisible by {worldSize} rank(s) × {MicroBatches} micro-batch(es)");
        if (BatchSize / (worldSize * MicroBatches) < 2)
            throw new ArgumentException($"global batch {BatchSize} over {worldSize} rank(s) × {MicroBatches} micro-batch(es) leaves < 2 samples per BatchNorm batch");
    }

    public void Validate()
    {
        Backbone.Validate();
        if (Epochs < 1) throw new ArgumentException($"epochs {Epochs} must be ≥ 1");
        if (BatchSize < 2) throw new ArgumentException($"batch size {BatchSize} must be ≥ 2 (BatchNorm needs more than one sample)");
        if (LogEvery < 1) throw new ArgumentException($"log interval {LogEvery} must be ≥ 1");
        if (CheckpointEverySteps < 0) throw new ArgumentException("checkpoint interval must be ≥ 0");
        if (KeepCheckpoints < 1) throw new ArgumentException("keep at least 1 checkpoint");
        if (FreezeBodyEpochs < 0 || FreezeBodyEpochs >= Epochs) throw new ArgumentException($"freeze-body epochs {FreezeBodyEpochs} must be in [0, {Epochs})");
        if (!(BodyLrScale > 0) || BodyLrScale > 1000) throw new ArgumentException($"body lr scale {BodyLrScale} must be in (0, 1000]");
        if (TransferStages is < 0 or > 4) throw new ArgumentException($"transfer stages {TransferStages} must be in [0, 4]");
        if (TransferStages < 4 && InitFrom is null) throw new ArgumentException($"transfer stages {TransferStages} < 4 needs an --init-from model to transfer from");
        if (Optimizer.ClipGradNorm < 0) throw new ArgumentException("clip-grad must be ≥ 0");
        if (MicroBatches < 1) throw new ArgumentException($"micro-batches {MicroBatches} must be ≥ 1");
        if (Data.LabelFraction is <= 0 or > 1) throw new ArgumentException($"label fraction {Data.LabelFraction} must be in (0, 1]");
    }
}
