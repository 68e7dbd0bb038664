using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Tests.Synthesis;

public sealed class NetworkShapeTests
{
    [Theory]
    [InlineData(32, 8)]
    [InlineData(64, 10)]
    [InlineData(128, 12)]
    public void GeneratorAndDiscriminatorShapesFollowResolution(int res, int expectedWs)
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var o = new GeneratorOptions(res, ZDim: 32, WDim: 32, MappingLayers: 2, ChannelBase: 512, ChannelMax: 32);
        using var g = new StyleGenerator(o);
        Assert.Equal(expectedWs, g.NumWs);
        var ws = g.Mapping(randn(2, 32), truncationPsi: 0.7f, truncationCutoff: 4);
        Assert.Equal(new long[] { 2, expectedWs, 32 }, ws.shape);
        var img = g.Synthesis(ws, NoiseMode.Random);
        Assert.Equal(new long[] { 2, 3, res, res }, img.shape);
        Assert.Equal(new long[] { 1, 32 }, g.MeanW.shape);
        Assert.Equal(new long[] { 1, 3, res, res }, g.AverageImage().shape);
        using var d = new StyleDiscriminator(DiscriminatorOptions.MatchingGenerator(o));
        Assert.Equal(new long[] { 2, 1 }, d.forward(img).shape);
        Assert.Contains("mapping.fc0.weight", g.state_dict().Keys);
        Assert.Contains("synthesis.b4.const", g.state_dict().Keys);
        Assert.Contains($"synthesis.b{res}.torgb.affine.weight", g.state_dict().Keys);
    }

    [Fact]
    public void ConstNoiseIsDeterministicAndTruncationPullsToMean()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        using var g = new StyleGenerator(new GeneratorOptions(32, ZDim: 16, WDim: 16, MappingLayers: 2, ChannelBase: 256, ChannelMax: 16));
        g.eval();
        var z = randn(3, 16);
        Assert.True(g.Forward(z).allclose(g.Forward(z)));
        // Noise strengths start at 0 (as in the reference), so random noise changes nothing yet.
        Assert.True(g.Synthesis(g.Mapping(z), NoiseMode.Random).allclose(g.Synthesis(g.Mapping(z), NoiseMode.None)));
        var ws0 = g.Mapping(z, truncationPsi: 0f);
        Assert.True(ws0.allclose(g.MeanWs().expand(3, -1, -1)));
        Assert.Throws<ArgumentException>(() => g.Synthesis(randn(1, 5, 16)));
    }

    /// <summary>Once noise strengths are learned, const noise stamps the same pattern on every image; a frozen generator
    /// built with NoiseMode.None inverts without it (encoder.inversionNoise "none"), and refuses random noise.</summary>
    [Fact]
    public void FrozenGeneratorInvertsWithTheNoiseItWasGiven()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var g = new StyleGenerator(new GeneratorOptions(32, ZDim: 16, WDim: 16, MappingLayers: 2, ChannelBase: 256, ChannelMax: 16));
        Assert.All(g.NoiseStrengths(), n => Assert.Equal(0f, n.Strength));
        using (no_grad())
        using (var half = 0.5.ToScalar())
            foreach (var (name, p) in g.named_parameters())
                if (name.EndsWith("noise_strength", StringComparison.Ordinal)) p.fill_(half);
        Assert.Contains(g.NoiseStrengths(), n => n.Layer == "synthesis.b32.conv1");
        Assert.All(g.NoiseStrengths(), n => Assert.Equal(0.5f, n.Strength));
        using var frozen = new FaceBoost.Nets.FrozenStyleGenerator(g, NoiseMode.None);
        var ws = g.Mapping(randn(2, 16));
        Assert.True(frozen.Synthesize(ws).allclose(g.Synthesis(ws, NoiseMode.None)));
        Assert.False(frozen.Synthesize(ws).allclose(g.Synthesis(ws, NoiseMode.Const), rtol: 1e-3, atol: 1e-3));
        Assert.Throws<ArgumentException>(() => new FaceBoost.Nets.FrozenStyleGenerator(g, NoiseMode.Random));
    }
}
