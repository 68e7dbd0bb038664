namespace FaceBoost.Training;

/// <summary>Learning rate as a function of the fractional epoch position (epoch + batch / batches per epoch),
/// so it depends only on where training is, never on how it got there (resume-safe).</summary>
public sealed class LearningRateSchedule
{
    private readonly ScheduleOptions _o;
    private readonly double[] _milestones;

    public LearningRateSchedule(ScheduleOptions options, double baseLr, int epochs)
    {
        if (baseLr < 0) throw new ArgumentException($"learning rate {baseLr} must be ≥ 0");
        if (epochs < 1) throw new ArgumentException($"epochs {epochs} must be ≥ 1");
        if (options.WarmupEpochs < 0 || options.WarmupEpochs > epochs) throw new ArgumentException($"warm-up {options.WarmupEpochs} epochs must lie in [0, {epochs}]");
        if (options.Kind is not ("step" or "cosine" or "poly")) throw new ArgumentException($"unknown schedule '{options.Kind}'; use step, cosine or poly");
        if (options.Factor <= 0) throw new ArgumentException($"step factor {options.Factor} must be positive");
        _o = options;
        _milestones = options.Milestones.OrderBy(m => m).ToArray();
        BaseLearningRate = baseLr;
        Epochs = epochs;
    }

    public double BaseLearningRate { get; }
    public int Epochs { get; }

    public double At(double position)
    {
        var lr0 = BaseLearningRate;
        var w = _o.WarmupEpochs;
        if (w > 0 && position < w) return lr0 * position / w;
        switch (_o.Kind)
        {
            case "step":
                var k = _milestones.Count(m => position >= m);
                return lr0 * Math.Pow(_o.Factor, k);
            default:
                var span = Epochs - w;
                var t = span <= 0 ? 1 : Math.Clamp((position - w) / span, 0, 1);
                return _o.Kind == "cosine"
                    ? _o.MinLearningRate + (lr0 - _o.MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * t))
                    : _o.MinLearningRate + (lr0 - _o.MinLearningRate) * Math.Pow(1 - t, _o.Power);
        }
    }
}
