using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Adam / AdamW (PyTorch semantics): decoupled weight decay p ·= 1 − lr·λ on decayed parameters (λ = 0 is
/// plain Adam); m, v moments with per-parameter bias correction; p −= lr·m̂/(√v̂ + ε).</summary>
public sealed class AdamOptimizer : ParameterOptimizer
{
    private static readonly HashSet<string> Slots = ["exp_avg", "exp_avg_sq", "step"];
    private static readonly TorchSharp.Scalar OneStep = 1L.ToScalar();

    public AdamOptimizer(IReadOnlyList<NamedParameter> parameters, double learningRate = 1e-4,
        double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        if (weightDecay < 0 || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || !(eps > 0))
            throw new ArgumentException($"invalid Adam settings lr={learningRate} wd={weightDecay} betas=({beta1},{beta2}) eps={eps}");
        (Beta1, Beta2, Eps, WeightDecay) = (beta1, beta2, eps, weightDecay);
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }
    protected override IReadOnlySet<string> KnownSlots => Slots;

    private protected override void Update(NamedParameter np, Tensor g, KeptScalars k)
    {
        var p = np.Parameter;
        var m = Slot(np, "exp_avg", () => zeros_like(p));
        var v = Slot(np, "exp_avg_sq", () => zeros_like(p));
        var step = Slot(np, "step", () => zeros(1, dtype: ScalarType.Int64));
        step.add_(OneStep, Scalars.One);
        var t = step.item<long>();
        if (np.Decay && WeightDecay != 0) p.mul_(k[1 - LrOf(np) * WeightDecay]);
        m.mul_(k[Beta1]).add_(g, k[1 - Beta1]);
        v.mul_(k[Beta2]).addcmul_(g, g, k[1 - Beta2]);
        var bc1 = 1 - Math.Pow(Beta1, t);
        var bc2 = 1 - Math.Pow(Beta2, t);
        var denom = v.sqrt().div_(k[Math.Sqrt(bc2)]).add_(k[Eps], Scalars.One);
        p.addcdiv_(m, denom, k[-LrOf(np) / bc1]);
    }
}
