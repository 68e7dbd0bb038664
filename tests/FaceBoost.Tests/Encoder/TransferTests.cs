using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Encoder;

public sealed class TransferTests
{
    public TransferTests() => TorchRuntime.Initialize(2);

    internal static string SaveEncoder(PspEncoderOptions o, out PspEncoder encoder)
    {
        manual_seed(11);
        encoder = new PspEncoder(o);
        // Non-trivial BN statistics, so buffers are checked too.
        encoder.train();
        using (no_grad()) encoder.forward(randn(4, 6, o.InputSize, o.InputSize));
        var path = Path.Combine(Path.GetTempPath(), $"fb-transfer-{Guid.NewGuid():N}.fbck");
        var avg = rand(1, 3, o.InputSize, o.InputSize) * 2 - 1;
        EncoderCheckpoint.Save(path, new EncoderCheckpointInfo(o, 10, 0, 1, null, "ms-ssim"), encoder, avg, zeros(o.WDim));
        return path;
    }

    private static IrseBackbone Backbone(int depth = 18, bool se = true, int width = 8, int channels = 6) =>
        new(depth, se, new BackboneOptions { Name = $"irse{depth}", InputSize = 32, InputChannels = channels, EmbeddingSize = 16, BaseWidth = width, Dropout = 0.2 });

    [Fact]
    public void EveryEncoderBodyTensorEqualsTheBackbonesAfterInitFrom()
    {
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 4, WDim: 16);
        var path = SaveEncoder(o, out var encoder);
        using var backbone = Backbone();
        var transfer = new EncoderTransfer();
        Assert.True(transfer.CanInitialize(path));
        using var avg = transfer.Initialize(path, backbone, (0.5f, 0.5f))!;
        Assert.Equal(new long[] { 3, 32, 32 }, avg.shape);

        var enc = encoder.state_dict();
        var bb = backbone.state_dict();
        var transferred = enc.Keys.Where(k => k.StartsWith("input_layer.") || k.StartsWith("body.")).ToList();
        Assert.True(transferred.Count > 50, $"only {transferred.Count} tensors");
        Assert.Equal(transferred.OrderBy(k => k), bb.Keys.Where(k => k.StartsWith("input_layer.") || k.StartsWith("body.")).OrderBy(k => k));
        foreach (var k in transferred)
            Assert.True(enc[k].equal(bb[k]).all().item<bool>(), $"{k} differs after transfer");
        // The head is new: the backbone has output_layer.*, no style head.
        Assert.Contains(bb.Keys, k => k.StartsWith("output_layer."));
        Assert.DoesNotContain(bb.Keys, k => k.StartsWith("linear.") || k.StartsWith("styles."));
        // The average image is the checkpoint's, renormalised ((p − 0.5)/0.5 is the identity on [-1, 1]).
        using var ck = EncoderCheckpoint.Load(path);
        Assert.True(allclose(avg, ck.AverageImage[0], atol: 1e-6));
        encoder.Dispose();
        File.Delete(path);
    }

    [Fact]
    public void MismatchedBackboneIsRejectedWithEveryProblemListed()
    {
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 4, WDim: 16);
        var path = SaveEncoder(o, out var encoder);
        using var wrong = Backbone(depth: 34, se: false, width: 16, channels: 3);
        var ex = Assert.Throws<InvalidDataException>(() => new EncoderTransfer().Initialize(path, wrong, (0.5f, 0.5f)));
        Assert.Contains("input channels", ex.Message);
        Assert.Contains("depth", ex.Message);
        Assert.Contains("mode", ex.Message);
        Assert.Contains("width", ex.Message);
        encoder.Dispose();
        File.Delete(path);
    }

    [Fact]
    public void StrictStateDictCopyListsMissingAndMisshapedTensorsAndCopiesNothing()
    {
        using var backbone = Backbone();
        var source = backbone.state_dict().Where(kv => kv.Key.StartsWith("body.")).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        source["body.0.res_layer.1.weight"] = zeros(1, 2, 3, 3);
        var before = backbone.state_dict()["body.0.res_layer.1.weight"].clone();
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictCopy.Strict(backbone, source, "test",
            k => PspEncoder.TransferPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))));
        Assert.StartsWith("test:", ex.Message);
        Assert.Contains("input_layer.0.weight", ex.Report.Missing);
        Assert.Contains("shape mismatch: body.0.res_layer.1.weight module [", ex.Message);
        Assert.Empty(ex.Report.Unexpected);
        Assert.True(backbone.state_dict()["body.0.res_layer.1.weight"].equal(before).all().item<bool>(), "a failed strict copy must copy nothing");
    }
}
