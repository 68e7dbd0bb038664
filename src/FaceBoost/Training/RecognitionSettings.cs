using System.Text.Json.Serialization;
using FaceBoost.Losses;
using FaceBoost.Nets;

namespace FaceBoost.Training;

/// <summary>The knobs of a recognition run that the `train` verb and an experiment's "recognition" section share, flat
/// (JSON keys are the camelCase names). One set of defaults: those of the records the trainer consumes
/// (<see cref="BackboneOptions"/>, <see cref="HeadOptions"/>, <see cref="OptimizerOptions"/>, <see cref="ScheduleOptions"/>),
/// read from them, plus epochs, batch and freezing, which <see cref="RecognitionTrainOptions"/> reads from here.
/// <see cref="ApplyTo"/> puts them into a run's options; the architecture, data, cadence and paths stay the run's.
/// Not sealed: the experiment's section extends it with its own fields.</summary>
public record RecognitionSettings
{
    private static readonly BackboneOptions BackboneDefaults = new();
    private static readonly HeadOptions HeadDefaults = new();
    private static readonly OptimizerOptions OptimizerDefaults = new();
    private static readonly ScheduleOptions ScheduleDefaults = new();

    public static RecognitionSettings Defaults { get; } = new();

    public int EmbeddingSize { get; init; } = BackboneDefaults.EmbeddingSize;
    public int Epochs { get; init; } = 10;
    /// <summary>The GLOBAL batch of one optimiser step: with N data-parallel ranks each rank trains on BatchSize/N.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>arcface | cosface | combined | softmax.</summary>
    public string Loss { get; init; } = HeadDefaults.Loss;
    /// <summary>Logit scale s; null = the loss's own default.</summary>
    public double? Scale { get; init; } = HeadDefaults.Scale;
    /// <summary>Margin m; null = the loss's own default.</summary>
    public double? Margin { get; init; } = HeadDefaults.Margin;
    public double FocalGamma { get; init; } = HeadDefaults.FocalGamma;
    /// <summary>One of <see cref="OptimizerOptions.Kinds"/>.</summary>
    public string Optimizer { get; init; } = OptimizerDefaults.Kind;
    public double Lr { get; init; } = OptimizerDefaults.LearningRate;
    public double WeightDecay { get; init; } = OptimizerDefaults.WeightDecay;
    /// <summary>Epochs with the body frozen (only the head trains) when the body was initialised from another model.</summary>
    public int FreezeBodyEpochs { get; init; }
    /// <summary>Learning-rate multiplier of the body when it was initialised from another model (the head keeps
    /// <see cref="Lr"/>); null = 1, one rate for all as the paper. Left out of the JSON when null, so configs and stage
    /// keys written before this knob existed stay the same.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? BodyLrScale { get; init; }
    /// <summary>How many of the body's 4 stages a transfer copies (after the input layer); null = 4, all as the paper.
    /// Left out of the JSON when null, like <see cref="BodyLrScale"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TransferStages { get; init; }
    public double Dropout { get; init; } = BackboneDefaults.Dropout;
    /// <summary>step | cosine | poly (step: the rate times the schedule's factor at each of <see cref="Milestones"/>).</summary>
    public string Schedule { get; init; } = ScheduleDefaults.Kind;
    public IReadOnlyList<double> Milestones { get; init; } = ScheduleDefaults.Milestones;
    /// <summary>Linear warm-up epochs; negative = automatic: min(1, epochs/10) for cosine and poly, none for step.</summary>
    public double WarmupEpochs { get; init; } = ScheduleDefaults.WarmupEpochs;

    /// <summary>The warm-up for a run of <paramref name="epochs"/> epochs (resolves the automatic value).</summary>
    public double WarmupFor(int epochs) =>
        WarmupEpochs >= 0 ? WarmupEpochs : Schedule == "step" ? 0 : Math.Min(1, epochs / 10.0);

    /// <summary><paramref name="run"/> with these knobs: the embedding and dropout of its backbone, its head, its optimiser's
    /// kind, rate and decay, its schedule's kind, milestones and warm-up, and its epochs, batch and freezing. Everything
    /// else (architecture, data, momentum, clipping, step factor, cadence, paths) is kept.</summary>
    public RecognitionTrainOptions ApplyTo(RecognitionTrainOptions run) => run with
    {
        Backbone = run.Backbone with { EmbeddingSize = EmbeddingSize, Dropout = Dropout },
        Head = run.Head with { Loss = Loss, Scale = Scale, Margin = Margin, FocalGamma = FocalGamma },
        Optimizer = run.Optimizer with { Kind = Optimizer, LearningRate = Lr, WeightDecay = WeightDecay },
        Schedule = run.Schedule with { Kind = Schedule, Milestones = Milestones, WarmupEpochs = WarmupFor(Epochs) },
        Epochs = Epochs, BatchSize = BatchSize, FreezeBodyEpochs = FreezeBodyEpochs, BodyLrScale = BodyLrScale ?? 1,
        TransferStages = TransferStages ?? 4,
    };
}
