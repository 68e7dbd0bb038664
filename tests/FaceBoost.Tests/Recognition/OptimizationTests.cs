using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Recognition;

[Collection(RecognitionCollection.Name)]
public sealed class OptimizationTests
{
    public OptimizationTests() => TorchRuntime.Initialize(2);

    [Fact]
    public void WeightDecaySkipsBatchNormAndBiases()
    {
        using var net = BackboneFactory.Create(new BackboneOptions { Name = "iresnet18", InputSize = 32, BaseWidth = 8, EmbeddingSize = 16 });
        var ps = ParameterGroups.Collect(net, "model.");
        Assert.All(ps.Where(p => p.Name.Contains(".bn") || p.Name.StartsWith("model.bn") || p.Name.Contains("downsample.1.")), p => Assert.False(p.Decay, p.Name));
        Assert.All(ps.Where(p => p.Name.EndsWith("bias")), p => Assert.False(p.Decay, p.Name));
        Assert.True(ps.Single(p => p.Name == "model.layer1.0.conv1.weight").Decay);
        Assert.True(ps.Single(p => p.Name == "model.fc.weight").Decay);
        Assert.True(ps.Single(p => p.Name == "model.prelu.weight").Decay);
        Assert.False(ps.Single(p => p.Name == "model.features.bias").Decay);

        // One SGD step with zero gradient: decayed weights shrink, BN weights do not move.
        var conv = ps.Single(p => p.Name == "model.conv1.weight");
        var bn = ps.Single(p => p.Name == "model.bn1.weight");
        foreach (var p in new[] { conv, bn }) { (p.Parameter * 0).sum().backward(); }
        var before = (conv.Parameter.detach().clone(), bn.Parameter.detach().clone());
        using var sgd = new SgdOptimizer([conv, bn], lr: 0.1, momentum: 0.9, weightDecay: 0.01);
        sgd.Step();
        Assert.True(torch.allclose(conv.Parameter, before.Item1 * (1 - 0.1 * 0.01)));
        Assert.Equal(0f, (bn.Parameter - before.Item2).abs().max().item<float>());
    }

    /// <summary>A parameter group's lr scale (the body fine-tuned slower than the head) scales its whole first update —
    /// gradient step and coupled weight decay — for every optimiser kind, and leaves the other group alone.</summary>
    [Theory]
    [InlineData("sgd")]
    [InlineData("adamw")]
    [InlineData("adam")]
    [InlineData("ranger")]
    public void LrScaleScalesOneParametersUpdate(string kind)
    {
        var start = new float[] { 1f, -2f, 0.5f, 3f };
        var full = new TorchSharp.Modules.Parameter(tensor(start).reshape(2, 2));
        var slow = new TorchSharp.Modules.Parameter(tensor(start).reshape(2, 2));
        using var opt = new OptimizerOptions { Kind = kind, LearningRate = 0.01, WeightDecay = 0.1 }
            .Create([new NamedParameter("full", full, true), new NamedParameter("slow", slow, true, LrScale: 0.25)]);
        (full.mul(full).sum() + slow.mul(slow).sum()).backward();
        opt.Step();
        var before = tensor(start).reshape(2, 2);
        var fullDelta = full.detach().sub(before).data<float>().ToArray();
        var slowDelta = slow.detach().sub(before).data<float>().ToArray();
        for (var i = 0; i < 4; i++)
        {
            Assert.NotEqual(0f, fullDelta[i]);
            Assert.Equal(0.25 * fullDelta[i], slowDelta[i], tolerance: 1e-3 * Math.Abs(fullDelta[i])); // float32 deltas of ~1e-3
        }
    }

    [Fact]
    public void SgdMatchesPyTorchMomentumFormula()
    {
        var p = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f, -2f }));
        using var sgd = new SgdOptimizer([new NamedParameter("p", p, true)], lr: 0.1, momentum: 0.9, weightDecay: 0.1);
        double[] x = [1, -2], buf = [0, 0];
        for (var step = 0; step < 3; step++)
        {
            sgd.ZeroGrad();
            (p * p).sum().backward(); // g = 2p
            sgd.Step();
            for (var i = 0; i < 2; i++)
            {
                var d = 2 * x[i] + 0.1 * x[i];
                buf[i] = step == 0 ? d : 0.9 * buf[i] + d;
                x[i] -= 0.1 * buf[i];
            }
        }
        var got = p.data<float>().ToArray();
        Assert.Equal(x[0], got[0], 5);
        Assert.Equal(x[1], got[1], 5);
    }

    [Fact]
    public void SchedulesGiveExpectedRates()
    {
        var paper = new ScheduleOptions { Kind = "step", Milestones = ScheduleOptions.PaperMilestones, Factor = 1 / 1.5 }.Create(0.03, 100);
        Assert.Equal(0.03, paper.At(0), 12);
        Assert.Equal(0.03, paper.At(14.99), 12);
        Assert.Equal(0.02, paper.At(15), 12);
        Assert.Equal(0.03 / 2.25, paper.At(20.5), 12);
        Assert.Equal(0.03 / Math.Pow(1.5, 17), paper.At(99), 12);

        var cos = new ScheduleOptions { Kind = "cosine", WarmupEpochs = 2 }.Create(0.1, 12);
        Assert.Equal(0.0, cos.At(0), 12);
        Assert.Equal(0.05, cos.At(1), 12);
        Assert.Equal(0.1, cos.At(2), 12);
        Assert.Equal(0.05, cos.At(7), 12);
        Assert.Equal(0.0, cos.At(12), 12);

        var poly = new ScheduleOptions { Kind = "poly", WarmupEpochs = 1, Power = 2 }.Create(0.1, 11);
        Assert.Equal(0.05, poly.At(0.5), 12);
        Assert.Equal(0.1 * 0.25, poly.At(6), 12);
        Assert.Equal(0.0, poly.At(11), 12);
    }
}
