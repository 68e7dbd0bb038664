using FaceBoost.Runtime;
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
        using var k = new KeptScalars();
        var m = Slot(index, "exp_avg", () => zeros_like(p));
        var v = Slot(index, "exp_avg_sq", () => zeros_like(p));
        m.mul_(k[beta1]).add_(grad, alpha: k[1 - beta1]);
        v.mul_(k[beta2]).addcmul_(grad, grad, value: k[1 - beta2]);
        var c1 = 1 - Math.Pow(beta1, Steps);
        var c2 = 1 - Math.Pow(beta2, Steps);
        if (weightDecay > 0) p.mul_(k[1 - LearningRate * weightDecay]);
        var denom = v.div(k[c2]).sqrt_().add_(k[eps], Scalars.One);
        p.addcdiv_(m, denom, value: k[-LearningRate / c1]);
    }
}
