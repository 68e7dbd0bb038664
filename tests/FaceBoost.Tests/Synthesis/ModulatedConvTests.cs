using FaceBoost.Nets.StyleGan;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Synthesis;

/// <summary>The generator's unfused modulated conv (modulate the activations, one shared-weight conv, demodulate the
/// output) is the fused grouped conv of stylegan2-ada to float rounding, in its output and in every gradient.</summary>
public sealed class ModulatedConvTests
{
    [Theory]
    [InlineData(true, 1)]   // a 3×3 synthesis layer
    [InlineData(false, 0)]  // a 1×1 ToRGB layer
    public void UnfusedMatchesFused(bool demodulate, int padding)
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        using var gen = new Generator(42);
        var k = 2 * padding + 1;
        var x0 = randn([4, 8, 6, 6], generator: gen);
        var w0 = randn([5, 8, k, k], generator: gen);
        var s0 = randn([4, 8], generator: gen);
        var upstream = randn([4, 5, 6, 6], generator: gen);
        Tensor[] Run(bool fused)
        {
            var (x, w, s) = (x0.detach().requires_grad_(), w0.detach().requires_grad_(), s0.detach().requires_grad_());
            var y = ModulatedConv.Apply(x, w, s, demodulate, padding, fused);
            y.mul(upstream).sum().backward();
            return [y.detach(), x.grad!, w.grad!, s.grad!];
        }
        var a = Run(fused: true);
        var b = Run(fused: false);
        string[] names = ["output", "input grad", "weight grad", "style grad"];
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].shape, b[i].shape);
            var diff = a[i].sub(b[i]).abs().max().item<float>();
            var scale = a[i].abs().max().item<float>();
            Assert.True(diff <= 1e-5 * scale, $"{names[i]}: fused and unfused differ by {diff} (scale {scale})");
        }
    }
}
