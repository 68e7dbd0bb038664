using FaceBoost.Runtime;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>SGD with momentum (PyTorch semantics, dampening 0): d = g + λ·p (λ only on decayed parameters),
/// buf = μ·buf + d (buf = d on the first step), p −= lr·buf.</summary>
public sealed class SgdOptimizer : ParameterOptimizer
{
    private static readonly HashSet<string> Slots = ["momentum_buffer"];

    public SgdOptimizer(IReadOnlyList<NamedParameter> parameters, double lr, double momentum, double weightDecay)
        : base(parameters, lr)
    {
        if (momentum is < 0 or >= 1 || weightDecay < 0)
            throw new ArgumentException($"invalid SGD settings lr={lr} momentum={momentum} weight decay={weightDecay}");
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public double Momentum { get; }
    public double WeightDecay { get; }
    protected override IReadOnlySet<string> KnownSlots => Slots;

    private protected override void Update(NamedParameter np, Tensor g, KeptScalars k)
    {
        var p = np.Parameter;
        var d = np.Decay && WeightDecay != 0 ? g.add(p, k[WeightDecay]) : g;
        if (Momentum != 0)
        {
            var buf = Slot(np, "momentum_buffer", () => d, out var created);
            if (!created) buf.mul_(k[Momentum]).add_(d, k[1]);
            d = buf;
        }
        p.add_(d, k[-LrOf(np)]);
    }
}
