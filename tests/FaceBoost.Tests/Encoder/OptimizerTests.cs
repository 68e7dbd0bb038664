using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Encoder;

public sealed class OptimizerTests
{
    public OptimizerTests() => TorchRuntime.Initialize(2);

    private static (Parameter p, Tensor target) Problem()
    {
        manual_seed(3);
        return (new Parameter(zeros(4, 5)), randn(4, 5));
    }

    private static double Run(ParameterOptimizer opt, Parameter p, Tensor target, int steps)
    {
        double loss = 0;
        for (var i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            var l = (p - target).pow(2).sum();
            l.backward();
            opt.Step();
            loss = l.item<float>();
        }
        return loss;
    }

    private static Dictionary<string, Tensor> Snapshot(ParameterOptimizer opt) =>
        opt.StateTensors().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    [Fact]
    public void RangerMinimisesAQuadratic()
    {
        var (p, target) = Problem();
        var start = (p - target).pow(2).sum().item<float>();
        using var opt = new RangerOptimizer(ParameterOptimizer.ByIndex([p]), learningRate: 0.05, gradientCentralization: false);
        var end = Run(opt, p, target, 300);
        Assert.True(end < start * 0.05, $"Ranger: loss {start} → {end}");
    }

    [Fact]
    public void RangerLookaheadSyncsFastAndSlowWeightsEveryKSteps()
    {
        var (p, target) = Problem();
        using var opt = new RangerOptimizer(ParameterOptimizer.ByIndex([p]), learningRate: 0.01, lookaheadSteps: 6);
        Run(opt, p, target, 6);
        var state = Snapshot(opt);
        Assert.True(allclose(state["0/slow_buffer"], p.detach()));
        Assert.Equal(6L, state["steps"].item<long>());
        Run(opt, p, target, 1);
        Assert.False(allclose(Snapshot(opt)["0/slow_buffer"], p.detach()));
    }

    [Fact]
    public void AdamMinimisesAQuadraticAndResumesExactly()
    {
        var (p, target) = Problem();
        using var opt = new AdamOptimizer(ParameterOptimizer.ByIndex([p]), learningRate: 0.05);
        Run(opt, p, target, 50);
        var saved = Snapshot(opt);
        var weights = p.detach().clone();
        var continued = Run(opt, p, target, 20);

        var q = new Parameter(weights);
        using var resumed = new AdamOptimizer(ParameterOptimizer.ByIndex([q]), learningRate: 0.05);
        resumed.LoadState(saved);
        var again = Run(resumed, q, target, 20);
        Assert.Equal(continued, again, 5);
        Assert.True(continued < 0.5, $"Adam loss {continued}");
    }
}
