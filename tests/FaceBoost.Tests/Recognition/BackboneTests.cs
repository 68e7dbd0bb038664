using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Recognition;

public sealed class BackboneTests
{
    public BackboneTests() => TorchRuntime.Initialize(2);

    [Fact]
    public void IResNetHasInsightfaceStateDictKeys()
    {
        using var net = BackboneFactory.Create(new BackboneOptions { Name = "iresnet50" });
        var keys = net.state_dict().Keys.ToHashSet();
        foreach (var k in new[]
                 {
                     "conv1.weight", "bn1.running_var", "prelu.weight", "layer1.0.bn1.weight", "layer1.0.conv1.weight",
                     "layer1.0.bn2.bias", "layer1.0.prelu.weight", "layer1.0.conv2.weight", "layer1.0.bn3.running_mean",
                     "layer1.0.downsample.0.weight", "layer1.0.downsample.1.weight", "layer3.13.conv2.weight",
                     "bn2.weight", "fc.weight", "fc.bias", "features.weight", "features.running_mean",
                 })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("layer1.1.downsample.0.weight", keys);
        Assert.Equal(512 * 7 * 7, net.state_dict()["fc.weight"].shape[1]);
        // arcface_torch iresnet50: 43.6 M parameters (incl. fc 25088×512).
        var n = net.parameters().Sum(p => p.numel());
        Assert.InRange(n, 43_500_000, 43_700_000);
    }

    [Fact]
    public void IrseBackboneHasPspKeysAndSixChannelInput()
    {
        using var net = (IrseBackbone)BackboneFactory.Create(new BackboneOptions { Name = "irse50", InputChannels = 6 });
        var sd = net.state_dict();
        Assert.Equal(new long[] { 64, 6, 3, 3 }, sd["input_layer.0.weight"].shape);
        Assert.Contains("input_layer.2.weight", sd.Keys);
        Assert.DoesNotContain("body.0.shortcut_layer.0.weight", sd.Keys); // 64 → 64 at stride 2 is a MaxPool(1, 2) in pSp
        Assert.Contains("body.3.shortcut_layer.1.running_mean", sd.Keys);
        Assert.Contains("body.23.res_layer.5.fc2.weight", sd.Keys);
        Assert.Equal(24, net.Body.children().Count());
        Assert.Contains("output_layer.3.weight", sd.Keys);
        Assert.Contains("output_layer.4.running_var", sd.Keys);
        Assert.True(net.IsBodyParameter("body.5.res_layer.1.weight"));
        Assert.False(net.IsBodyParameter("output_layer.3.weight"));
    }

    [Theory]
    [InlineData("iresnet18", 32, 8)]
    [InlineData("irse18", 48, 8)]
    [InlineData("ir34", 32, 8)]
    [InlineData("mobilefacenet", 64, 16)]
    [InlineData("mobilefacenet", 112, 64)]
    public void ReducedVariantsProduceEmbeddings(string name, int size, int width)
    {
        using var net = BackboneFactory.Create(new BackboneOptions { Name = name, InputSize = size, BaseWidth = width, EmbeddingSize = 32 });
        net.train();
        using var y = net.forward(randn(2, 3, size, size));
        Assert.Equal(new long[] { 2, 32 }, y.shape);
        Assert.Throws<ArgumentException>(() => net.forward(randn(2, 3, size + 16, size + 16)));
    }
}
