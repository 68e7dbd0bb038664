using FaceBoost.Nets;
using FaceBoost.Runtime;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Encoder;

public sealed class EncoderShapeTests
{
    public EncoderShapeTests() => TorchRuntime.Initialize(2);

    [Theory]
    [InlineData(StyleHead.Pool)]
    [InlineData(StyleHead.Gradual)]
    public void EncoderGivesOneWPerStyleLayer(StyleHead head)
    {
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 10, WDim: 32, Head: head);
        using var enc = new PspEncoder(o);
        enc.eval();
        using var y = enc.forward(randn(3, 6, 32, 32));
        Assert.Equal(new long[] { 3, 10, 32 }, y.shape);
        var keys = enc.state_dict().Keys.ToList();
        Assert.Contains("input_layer.0.weight", keys);
        Assert.Equal(new long[] { 8, 6, 3, 3 }, enc.state_dict()["input_layer.0.weight"].shape);
        Assert.Contains("body.0.res_layer.5.fc1.weight", keys);
        Assert.Contains(head == StyleHead.Pool ? "linear.weight" : "styles.9.linear.weight", keys);
    }

    [Fact]
    public void Irse50HasPspLayout()
    {
        using var enc = new PspEncoder(new PspEncoderOptions(NumLayers: 50, Width: 4, InputSize: 32, NumWs: 2, WDim: 4));
        var keys = enc.state_dict().Keys.ToList();
        Assert.Contains("body.23.res_layer.5.fc2.weight", keys); // 3 + 4 + 14 + 3 = 24 units
        Assert.DoesNotContain(keys, k => k.StartsWith("body.24."));
        Assert.DoesNotContain("body.0.shortcut_layer.0.weight", keys); // same width: max-pool shortcut
        Assert.Contains("body.3.shortcut_layer.0.weight", keys);
    }

    [Fact]
    public void EncoderRejectsThreeChannelInput()
    {
        using var enc = new PspEncoder(new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 2, WDim: 8));
        var ex = Assert.Throws<ArgumentException>(() => enc.forward(randn(1, 3, 32, 32)));
        Assert.Contains("average image", ex.Message);
    }
}
