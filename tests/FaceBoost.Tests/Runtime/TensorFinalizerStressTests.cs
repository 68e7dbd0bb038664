using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Runtime;

/// <summary>The Scalar hazard's twin for tensors (docs/torchsharp-hazards.md §1b): a Tensor wrapper made outside any
/// dispose scope — `p.grad` makes a new one on every read — can be finalized by a GC on another thread while libtorch
/// still uses its handle. A bare `buf.add_(p.grad, one)` loop crashed the process within 40 s under this storm; the
/// optimiser now reads gradients inside a scope of its own, so a caller without a per-step scope is safe too. This
/// guards that path (the crash is too rare per call to reproduce in a few seconds, so it is a guard, not a proof).</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed class TensorFinalizerStressTests
{
    [Fact]
    public void OptimiserStepsOutsideAnyScopeSurviveAGcStorm()
    {
        TorchRuntime.Initialize(1);
        var ps = Enumerable.Range(0, 8).Select(i => new TorchSharp.Modules.Parameter(randn(32, 32))).ToList();
        foreach (var p in ps) p.mul(p).sum().backward();
        // No weight decay: SGD's momentum update then reads the gradient itself as the second operand.
        using var sgd = new SgdOptimizer(ps.Select((p, i) => new NamedParameter($"p{i}", p, true)).ToList(), lr: 1e-6, momentum: 0.9, weightDecay: 0);
        long collections;
        var storm = new GcStorm();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long steps = 0;
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(5)) { sgd.Step(); steps++; }
        }
        finally
        {
            collections = storm.Collections;
            storm.Dispose();
        }
        Assert.True(collections > 100, $"the GC thread ran only {collections} collections");
        Assert.All(ps, p => Assert.True(isfinite(p).all().item<bool>()));
        Console.WriteLine($"tensor stress: {steps} optimiser steps outside any scope under {collections} forced GCs");
    }
}
