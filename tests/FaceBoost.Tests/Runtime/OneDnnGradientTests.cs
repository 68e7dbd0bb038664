using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Runtime;

/// <summary>oneDNN's conv kernels give the same gradients as libtorch's native ATen kernels on fixed inputs, with two
/// intra-op threads, on the three paths that once showed NaN gradients in training: a conv block with a strided
/// shortcut, the R1 double backward, and a trainable input layer under a frozen body.</summary>
public sealed class OneDnnGradientTests
{
    private static readonly Scalar Tenth = 0.1.ToScalar();
    private static readonly Scalar Twentieth = 0.05.ToScalar();
    private static readonly Scalar Quarter = 0.25.ToScalar();
    private static readonly Scalar Slope = 0.2.ToScalar();

    [Fact]
    public void DefaultFollowsEnvironment()
    {
        TorchRuntime.Initialize();
        if (OneDnnSwitch.Enabled is not { } enabled) return; // a libtorch build without the switch symbols
        Assert.Equal(OneDnnSwitch.RequestedByEnvironment, enabled);
    }

    [Fact]
    public void ConvBlockGradientsMatchNativeKernels() =>
        MatchesNativeKernels(["input", "conv3x3", "conv3x3/2", "shortcut 1x1/2"], gen =>
        {
            var x = randn([8, 16, 32, 32], generator: gen);
            var w1 = randn([32, 16, 3, 3], generator: gen).mul_(Tenth);
            var w2 = randn([32, 32, 3, 3], generator: gen).mul_(Twentieth);
            var ws = randn([32, 16, 1, 1], generator: gen).mul_(Quarter);
            var upstream = randn([8, 32, 16, 16], generator: gen);
            return () => BlockGradients(x, w1, w2, ws, upstream);
        });

    /// <summary>The GAN's R1 penalty: a double backward through strided convs (create_graph), then to the weights.</summary>
    [Fact]
    public void R1DoubleBackwardMatchesNativeKernels() =>
        MatchesNativeKernels(["conv1", "conv2/2", "conv3/2"], gen =>
        {
            var x = randn([8, 3, 32, 32], generator: gen);
            var w1 = randn([32, 3, 3, 3], generator: gen).mul_(Quarter);
            var w2 = randn([64, 32, 3, 3], generator: gen).mul_(Twentieth);
            var w3 = randn([1, 64, 3, 3], generator: gen).mul_(Twentieth);
            return () => R1Gradients(x, w1, w2, w3);
        });

    /// <summary>Transfer with a frozen body: the body's convs compute input gradients only, the 6-channel input layer
    /// only its weight gradient.</summary>
    [Fact]
    public void FrozenBodyInputLayerGradientMatchesNativeKernels() =>
        MatchesNativeKernels(["input layer 6→16"], gen =>
        {
            var x = randn([16, 6, 32, 32], generator: gen);
            var w0 = randn([16, 6, 3, 3], generator: gen).mul_(Quarter);
            var wb1 = randn([32, 16, 3, 3], generator: gen).mul_(Tenth);
            var wb2 = randn([32, 32, 3, 3], generator: gen).mul_(Twentieth);
            var upstream = randn([16, 32, 16, 16], generator: gen);
            return () => FrozenBodyGradients(x, w0, wb1, wb2, upstream);
        });

    /// <summary>Runs the gradients once with the native ATen kernels, then 5 times with oneDNN (2 intra-op threads):
    /// every oneDNN gradient is finite and within 1e-4 of the native one, relative to the native one's largest entry.</summary>
    private static void MatchesNativeKernels(string[] names, Func<Generator, Func<Tensor[]>> build)
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
            var gradients = build(gen);
            var native = gradients();
            OneDnnSwitch.TrySet(true);
            for (var pass = 0; pass < 5; pass++)
            {
                var fast = gradients();
                Assert.Equal(names.Length, fast.Length);
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
    private static Tensor[] BlockGradients(Tensor x0, Tensor w10, Tensor w20, Tensor ws0, Tensor upstream)
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

    private static Tensor[] R1Gradients(Tensor x0, Tensor w10, Tensor w20, Tensor w30)
    {
        var x = x0.detach().requires_grad_();
        var w1 = w10.detach().requires_grad_();
        var w2 = w20.detach().requires_grad_();
        var w3 = w30.detach().requires_grad_();
        var h = nn.functional.conv2d(x, w1, padding: [1, 1]).leaky_relu(Slope);
        h = nn.functional.conv2d(h, w2, strides: [2, 2], padding: [1, 1]).leaky_relu(Slope);
        var logits = nn.functional.conv2d(h, w3, strides: [2, 2], padding: [1, 1]);
        var g = torch.autograd.grad([logits.sum()], [x], retain_graph: true, create_graph: true)[0];
        g.mul(g).sum().backward();
        return [w1.grad!.detach().clone(), w2.grad!.detach().clone(), w3.grad!.detach().clone()];
    }

    private static Tensor[] FrozenBodyGradients(Tensor x, Tensor w00, Tensor wb1, Tensor wb2, Tensor upstream)
    {
        var w0 = w00.detach().requires_grad_();
        var h = nn.functional.relu(nn.functional.conv2d(x, w0, padding: [1, 1]));
        h = nn.functional.relu(nn.functional.conv2d(h, wb1, padding: [1, 1]));
        nn.functional.conv2d(h, wb2, strides: [2, 2], padding: [1, 1]).mul(upstream).sum().backward();
        return [w0.grad!.detach().clone()];
    }
}
