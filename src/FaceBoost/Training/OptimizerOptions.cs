namespace FaceBoost.Training;

/// <summary>Optimiser settings. Paper (stage 3): SGD lr 0.03, momentum 0.9, weight decay 2e-3 (not on BatchNorm).</summary>
public sealed record OptimizerOptions
{
    public static readonly string[] Kinds = ["sgd", "adamw", "adam", "ranger"];

    public string Kind { get; init; } = "sgd";
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    /// <summary>Maximum global gradient L2 norm; 0 disables clipping.</summary>
    public double ClipGradNorm { get; init; }

    public void Validate()
    {
        if (!Kinds.Contains(Kind.ToLowerInvariant())) throw new ArgumentException($"unknown optimizer '{Kind}'; use {string.Join(", ", Kinds)}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"learning rate {LearningRate} must be positive");
        if (Momentum is < 0 or >= 1) throw new ArgumentException($"momentum {Momentum} must be in [0, 1)");
        if (WeightDecay < 0) throw new ArgumentException($"weight decay {WeightDecay} must be ≥ 0");
        if (ClipGradNorm < 0) throw new ArgumentException("clip-grad must be ≥ 0");
    }

    public ParameterOptimizer Create(IReadOnlyList<NamedParameter> parameters) => Kind.ToLowerInvariant() switch
    {
        "sgd" => new SgdOptimizer(parameters, LearningRate, Momentum, WeightDecay),
        "adamw" => new AdamOptimizer(parameters, LearningRate, weightDecay: WeightDecay),
        "adam" => new AdamOptimizer(parameters, LearningRate),
        "ranger" => new RangerOptimizer(parameters, LearningRate),
        _ => throw new ArgumentException($"unknown optimizer '{Kind}'; use {string.Join(", ", Kinds)}"),
    };
}
