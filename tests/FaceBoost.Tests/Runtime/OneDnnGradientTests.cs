using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Runtime;

/// <summary>oneDNN's conv kernels give the same gradients as libtorch's native ATen kernels on fixed inputs, with two
/// intra-op threads: conv3×3 → ReLU → conv3×3/2 plus a 1×1/2 shortcut (the block that once showed NaN gradients).</summary>
public sealed class OneDnnGradientTests
{
    private static readonly Scalar Tenth = 0.1.ToScalar();
    private static readonly Scalar Twentieth = 0.05.ToScalar();
    private static readonly Scalar Quarter = 0.25.ToScalar();

    [Fact]
    public void DefaultFollowsEnvironment()
    {
        TorchRuntime.Initialize();
        if (OneDnnSwitch.Enabled is not { } enabled) return; // a libtorch build without the switch symbols
        Assert.Equal(OneDnnSwitch.RequestedByEnvironment, enabled);
    }

    [Fact]
    public void ConvBlockGradientsMatchNativeKernels()
    {
        TorchRuntime.Initialize();
        var before = OneDnnSwitch.Enabled;
        var threads = torch.get_num_threads();
        Assert.True(OneDnnSwitch.TrySet(false), "libtorch lacks the oneDNN switch symbols");
        torch.set_num_threads(2);
        try
        {
            using var scope = NewDisposeScope();
            using var gen = new Generator(1234);
            var x = randn([8, 16, 32, 32], generator: gen);
            var w1 = randn([32, 16, 3, 3], generator: gen).mul_(Tenth);
            var w2 = randn([32, 32, 3, 3], generator: gen).mul_(Twentieth);
            var ws = randn([32, 16, 1, 1], generator: gen).mul_(Quarter);
            var upstream = randn([8, 32, 16, 16], generator: gen);

            var native = Gradients(x, w1, w2, ws, upstream);
            OneDnnSwitch.TrySet(true);
            for (var pass = 0; pass < 5; pass++)
            {
                var fast = Gradients(x, w1, w2, ws, upstream);
                string[] names = ["input", "conv3x3", "conv3x3/2", "shortcut 1x1/2"];
                for (var i = 0; i < fast.Length; i++)
                {
                    Assert.True(isfinite(fast[i]).all().item<bool>(), $"pass {pass}: non-finite {names[i]} gradient with oneDNN");
                    var diff = fast[i].sub(native[i]).abs().max().item<float>();
                    var scale = native[i].abs().max().item<float>();
                    Assert.True(diff <= 1e-4 * scale, $"pass {pass}: {names[i]} gradient differs by {diff} (scale {scale})");
                }
            }
        }
        finally
        {
            OneDnnSwitch.TrySet(before ?? true);
            torch.set_num_threads(threads);
        }
    }

    /// <summary>Input and weight gradients of sum(block(x) ⊙ upstream) under the current kernel setting.</summary>
    private static Tensor[] Gradients(Tensor x0, Tensor w10, Tensor w20, Tensor ws0, Tensor upstream)
    {
        var x = x0.detach().requires_grad_();
        var w1 = w10.detach().requires_grad_();
        var w2 = w20.detach().requires_grad_();
        var ws = ws0.detach().requires_grad_();
        var h = nn.functional.relu(nn.functional.conv2d(x, w1, padding: [1, 1]));
        var main = nn.functional.conv2d(h, w2, strides: [2, 2], padding: [1, 1]);
        var shortcut = nn.functional.conv2d(x, ws, strides: [2, 2]);
        main.add(shortcut, Scalars.One).mul(upstream).sum().backward();
        return [x.grad!.detach().clone(), w1.grad!.detach().clone(), w2.grad!.detach().clone(), ws.grad!.detach().clone()];
    }
}
