using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Adam (Kingma &amp; Ba) with bias correction; optional decoupled weight decay.</summary>
public sealed class AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate = 1e-4,
    double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
    : StatefulOptimizer(parameters, learningRate)
{
    protected override void Update(int index, Parameter p, Tensor grad)
    {
        var m = Slot(index, "exp_avg", () => zeros_like(p));
        var v = Slot(index, "exp_avg_sq", () => zeros_like(p));
        m.mul_(beta1).add_(grad, alpha: 1 - beta1);
        v.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        var c1 = 1 - Math.Pow(beta1, Steps);
        var c2 = 1 - Math.Pow(beta2, Steps);
        if (weightDecay > 0) p.mul_(1 - LearningRate * weightDecay);
        var denom = (v / c2).sqrt_().add_(eps);
        p.addcdiv_(m, denom, value: -LearningRate / c1);
    }
}
