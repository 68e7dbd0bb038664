using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Training;

namespace FaceBoost.Tests.Synthesis;

public sealed class AdaptiveAugmentTests
{
    [Fact]
    public void PRisesWhenDiscriminatorOverfitsAndFallsOtherwise()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var ada = new AdaptiveAugment(target: 0.6, interval: 4, adaKimg: 1);
        var overfit = ones(16, 1) * 3;     // sign = +1 on every real → r_t = 1 > 0.6
        for (var s = 0; s < 40; s++) { ada.Accumulate(overfit); ada.MaybeAdjust(s, 16); }
        // 10 adjustments of 16·4/1000 each.
        Assert.Equal(0.64, ada.P, 1e-9);
        Assert.Equal(1.0, ada.LastRt);

        var healthy = cat([ones(6, 1), -ones(10, 1)]);   // r_t = −0.25 < 0.6
        for (var s = 40; s < 60; s++) { ada.Accumulate(healthy); ada.MaybeAdjust(s, 16); }
        Assert.Equal(0.32, ada.P, 1e-9);
        for (var s = 60; s < 200; s++) { ada.Accumulate(healthy); ada.MaybeAdjust(s, 16); }
        Assert.Equal(0.0, ada.P);
    }

    [Fact]
    public void AugmentationIsIdentityAtZeroAndDifferentiable()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var x = (rand(8, 3, 16, 16) * 2 - 1).requires_grad_(true);
        Assert.True(AdaptiveAugment.Apply(x, 0).equal(x).all().item<bool>());
        var y = AdaptiveAugment.Apply(x, 1);
        Assert.Equal(x.shape, y.shape);
        Assert.False(y.allclose(x));
        y.square().sum().backward();
        Assert.True(x.grad!.abs().sum().ToDouble() > 0);
    }
}

public sealed class BilinearReflectTests
{
    [Fact]
    public void MatchesGridSampleAndSupportsDoubleBackward()
    {
        FaceBoost.Runtime.TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        var x = randn(2, 3, 8, 8, dtype: ScalarType.Float64);
        var theta = tensor(new double[] { 0.9, -0.3, 0.1, 0.35, 1.1, -0.2, -1, 0, 0.25, 0, 1, 0 }, dtype: ScalarType.Float64).reshape(2, 2, 3);
        var grid = nn.functional.affine_grid(theta, [2, 3, 8, 8], align_corners: false);
        var expected = nn.functional.grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Reflection, align_corners: false);
        var actual = AdaptiveAugment.BilinearReflect(x, grid);
        Assert.True(actual.allclose(expected, rtol: 1e-6, atol: 1e-6), $"max diff {(actual - expected).abs().max().ToDouble()}");
        var xr = x.requires_grad_(true);
        var g1 = torch.autograd.grad([AdaptiveAugment.BilinearReflect(xr, grid).square().sum()], [xr], retain_graph: true, create_graph: true)[0];
        g1.sum().backward();
        Assert.NotNull(xr.grad);
    }
}
