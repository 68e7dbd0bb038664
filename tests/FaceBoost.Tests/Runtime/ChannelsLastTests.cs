using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Runtime;

/// <summary>The NHWC layout FaceBoost trains its conv nets in changes strides only: the same weights give the same
/// outputs and gradients as in NCHW (to 1e-4 of the largest entry), the layout carries through the net, and a
/// checkpointed tensor comes back in the ordinary layout.</summary>
public sealed class ChannelsLastTests
{
    [Fact]
    public void IsAndOfAgreeOnLayouts()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 4, 5);
        Assert.False(ChannelsLast.Is(x));
        var y = ChannelsLast.Of(x);
        Assert.True(ChannelsLast.Is(y));
        Assert.Equal(x.shape, y.shape);
        Assert.True(x.eq(y).all().item<bool>());
        Assert.True(ChannelsLast.Is(randn(2, 1, 4, 5))); // one channel: both layouts at once
        Assert.False(ChannelsLast.Is(randn(3, 4)));
        Assert.Throws<ArgumentException>(() => ChannelsLast.Of(randn(3, 4)));
    }

    [Fact]
    public void BackboneGradientsMatchTheNchwLayout() =>
        SameAsNchw(() => BackboneFactory.Create(new BackboneOptions { Name = "iresnet18", InputSize = 32, BaseWidth = 8, EmbeddingSize = 16 }),
            inputChannels: 3, size: 32);

    [Fact]
    public void EncoderGradientsMatchTheNchwLayout() =>
        SameAsNchw(() => new PspEncoder(new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 4, WDim: 16)),
            inputChannels: PspEncoderOptions.InputChannels, size: 32);

    /// <summary>Both float32 layouts against a float64 copy of the same net: NHWC is within 1e-4 of the largest
    /// entry of each output/gradient (of the net's largest gradient for one that is zero in exact arithmetic) and no more than 4× NCHW's own float32 error (deep nets with BatchNorm reassociate
    /// sums differently in each layout, so NHWC cannot be compared to NCHW bit for bit).</summary>
    private static void SameAsNchw(Func<nn.Module<Tensor, Tensor>> create, int inputChannels, int size)
    {
        TorchRuntime.Initialize();
        if (!ChannelsLast.Enabled) return; // FACEBOOST_CHANNELS_LAST=0: nothing to compare
        using var scope = NewDisposeScope();
        var nets = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < 3; i++)
        {
            manual_seed(7);
            nets.Add(create());
        }
        var (plain, nhwc, exact) = (nets[0], nets[1], nets[2].to(ScalarType.Float64));
        Assert.True(ChannelsLast.Apply(nhwc) > 0);
        Assert.All(nhwc.parameters().Where(p => p.dim() == 4), p => Assert.True(ChannelsLast.Is(p)));
        var x = randn(4, inputChannels, size, size);
        var outputs = new List<Tensor>();
        foreach (var (net, input) in new[] { (plain, x), (nhwc, x), (exact, x.to(ScalarType.Float64)) })
        {
            net.train();
            var y = net.forward(input);
            y.mul(y).sum().backward();
            outputs.Add(y.detach().to(ScalarType.Float64));
        }
        Close("output", outputs[2], outputs[0], outputs[1], 0);
        var named = nets.Select(n => n.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter)).ToList();
        Assert.NotEmpty(named[1]);
        // A gradient that is zero in exact arithmetic (a bias right before BatchNorm) is all rounding: measure such
        // tensors against the net's largest gradient.
        var netScale = named[2].Values.Max(p => p.grad!.abs().max().item<double>());
        foreach (var (name, q) in named[1])
        {
            Close(name + " grad", named[2][name].grad!, named[0][name].grad!.to(ScalarType.Float64), q.grad!.to(ScalarType.Float64), netScale);
            if (q.dim() == 4) Assert.True(ChannelsLast.Is(q.grad!), $"{name}: gradient not NHWC");
        }

        // What a checkpoint writes (contiguous bytes) is the ordinary NCHW tensor.
        var w = nhwc.parameters().First(p => p.dim() == 4);
        var saved = w.detach().contiguous();
        Assert.True(saved.is_contiguous());
        Assert.True(saved.eq(plain.parameters().First(p => p.dim() == 4)).all().item<bool>());
    }

    private static void Close(string what, Tensor exact, Tensor nchw, Tensor nhwc, double netScale)
    {
        var scale = exact.abs().max().item<double>();
        var nchwError = nchw.sub(exact).abs().max().item<double>();
        var nhwcError = nhwc.sub(exact).abs().max().item<double>();
        Assert.True(nhwcError <= 1e-4 * Math.Max(scale, netScale) || nhwcError <= 4 * nchwError,
            $"{what}: NHWC error {nhwcError:G3}, NCHW error {nchwError:G3}, scale {scale:G3}");
    }
}
