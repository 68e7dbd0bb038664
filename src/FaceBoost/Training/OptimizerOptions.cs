namespace FaceBoost.Training;

/// <summary>Optimiser settings. Paper (stage 3): SGD lr 0.03, momentum 0.9, weight decay 2e-3 (not on BatchNorm).</summary>
public sealed record OptimizerOptions
{
    public string Kind { get; init; } = "sgd";
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    /// <summary>Maximum global gradient L2 norm; 0 disables clipping.</summary>
    public double ClipGradNorm { get; init; }

    public IParameterOptimizer Create(IReadOnlyList<NamedParameter> parameters) => Kind.ToLowerInvariant() switch
    {
        "sgd" => new SgdOptimizer(parameters, LearningRate, Momentum, WeightDecay),
        "adamw" => new AdamWOptimizer(parameters, LearningRate, WeightDecay),
        _ => throw new ArgumentException($"unknown optimizer '{Kind}'; use sgd or adamw"),
    };
}
