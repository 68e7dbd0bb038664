namespace FaceBoost.Training;

/// <summary>Learning-rate schedule. Kind: step | cosine | poly, each after an optional linear warm-up.
/// Step: lr · Factor^(number of milestones ≤ epoch) — the paper: Factor 1/1.5 at epochs 15, 20, …, 95.</summary>
public sealed record ScheduleOptions
{
    public string Kind { get; init; } = "step";
    public IReadOnlyList<double> Milestones { get; init; } = [];
    public double Factor { get; init; } = 1 / 1.5;
    public double WarmupEpochs { get; init; }
    public double MinLearningRate { get; init; }
    public double Power { get; init; } = 2;

    /// <summary>The paper's milestones 15, 20, …, 95.</summary>
    public static IReadOnlyList<double> PaperMilestones { get; } = Enumerable.Range(0, 17).Select(i => 15.0 + 5 * i).ToArray();

    public LearningRateSchedule Create(double baseLr, int epochs) => new(this, baseLr, epochs);
}
