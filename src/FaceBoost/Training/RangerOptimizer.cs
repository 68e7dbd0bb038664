using FaceBoost.Runtime;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Ranger as pSp uses it: RAdam (rectified Adam, betas 0.95/0.999, eps 1e-5) with gradient
/// centralisation, wrapped in Lookahead (every k = 6 steps the slow weights move α = 0.5 toward the
/// fast ones and the fast weights restart from them).</summary>
public sealed class RangerOptimizer(IReadOnlyList<NamedParameter> parameters, double learningRate = 1e-4,
    double beta1 = 0.95, double beta2 = 0.999, double eps = 1e-5, double weightDecay = 0,
    int lookaheadSteps = 6, double lookaheadAlpha = 0.5, bool gradientCentralization = true)
    : ParameterOptimizer(parameters, learningRate)
{
    private const double RectifyThreshold = 5;
    private static readonly HashSet<string> Slots = ["exp_avg", "exp_avg_sq", "slow_buffer"];
    protected override IReadOnlySet<string> KnownSlots => Slots;

    private protected override void Update(NamedParameter np, Tensor grad, KeptScalars k)
    {
        var p = np.Parameter;
        if (gradientCentralization && grad.dim() > 1)
        {
            var dims = Enumerable.Range(1, (int)grad.dim() - 1).Select(d => (long)d).ToArray();
            grad = grad.add(grad.mean(dims, keepdim: true), k[-1]);
        }
        var m = Slot(np, "exp_avg", () => zeros_like(p));
        var v = Slot(np, "exp_avg_sq", () => zeros_like(p));
        var slow = Slot(np, "slow_buffer", () => p);
        v.mul_(k[beta2]).addcmul_(grad, grad, value: k[1 - beta2]);
        m.mul_(k[beta1]).add_(grad, alpha: k[1 - beta1]);

        // RAdam: the variance of the adaptive rate is only trusted once the SMA length exceeds 5.
        var beta2t = Math.Pow(beta2, Steps);
        var smaMax = 2 / (1 - beta2) - 1;
        var sma = smaMax - 2 * Steps * beta2t / (1 - beta2t);
        if (weightDecay > 0) p.add_(p, alpha: k[-weightDecay * LrOf(np)]);
        if (sma > RectifyThreshold)
        {
            var r = Math.Sqrt((1 - beta2t) * (sma - 4) / (smaMax - 4) * (sma - 2) / sma * smaMax / (smaMax - 2));
            var stepSize = r / (1 - Math.Pow(beta1, Steps));
            p.addcdiv_(m, v.sqrt().add_(k[eps], Scalars.One), value: k[-stepSize * LrOf(np)]);
        }
        else
        {
            p.add_(m, alpha: k[-LrOf(np) / (1 - Math.Pow(beta1, Steps))]);
        }

        if (Steps % lookaheadSteps == 0)
        {
            slow.add_(p.add(slow, k[-1]), alpha: k[lookaheadAlpha]);
            p.copy_(slow);
        }
    }
}
