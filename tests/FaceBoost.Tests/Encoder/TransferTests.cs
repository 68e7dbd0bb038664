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

    /// <summary>pSp's flat body numbers its units through the stages: IR-50's [3, 4, 14, 3] puts body.6 in stage 2, body.7
    /// in stage 3 and body.21 in stage 4.</summary>
    [Fact]
    public void StageOfAKeyFollowsTheUnitsPerStage()
    {
        Assert.Equal(0, IrseBackbone.StageOfKey("input_layer.0.weight", 50));
        Assert.Equal(1, IrseBackbone.StageOfKey("body.2.res_layer.1.weight", 50));
        Assert.Equal(2, IrseBackbone.StageOfKey("body.6.res_layer.1.weight", 50));
        Assert.Equal(3, IrseBackbone.StageOfKey("body.7.res_layer.1.weight", 50));
        Assert.Equal(3, IrseBackbone.StageOfKey("body.20.shortcut_layer.0.weight", 50));
        Assert.Equal(4, IrseBackbone.StageOfKey("body.21.res_layer.1.weight", 50));
        Assert.Equal(4, IrseBackbone.StageOfKey("body.7.res_layer.1.weight", 18));
        Assert.Null(IrseBackbone.StageOfKey("body.8.res_layer.1.weight", 18));
        Assert.Null(IrseBackbone.StageOfKey("output_layer.3.weight", 18));
        // What a transfer takes: a unit past the depth is taken (so the strict copy names it), later stages and the head are not.
        Assert.True(EncoderTransfer.Copies("body.8.res_layer.1.weight", 18, 4));
        Assert.True(EncoderTransfer.Copies("body.8.res_layer.1.weight", 18, 2));
        Assert.True(EncoderTransfer.Copies("body.3.res_layer.1.weight", 18, 2));
        Assert.False(EncoderTransfer.Copies("body.4.res_layer.1.weight", 18, 2));
        Assert.True(EncoderTransfer.Copies("input_layer.0.weight", 18, 0));
        Assert.False(EncoderTransfer.Copies("styles.0.weight", 18, 4));
    }

    /// <summary>transferStages 2: the input layer and the units of stages 1–2 arrive from the encoder by name; stages 3–4
    /// keep the backbone's own fresh initialisation, tensor for tensor.</summary>
    [Fact]
    public void PartialTransferCopiesTheInputLayerAndTheFirstStagesOnly()
    {
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 4, WDim: 16);
        var path = SaveEncoder(o, out var encoder);
        manual_seed(5);
        using var backbone = Backbone();
        var fresh = backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using (new EncoderTransfer().Initialize(path, backbone, (0.5f, 0.5f), stages: 2)) { }

        var enc = encoder.state_dict();
        var (copied, kept) = (0, 0);
        foreach (var (k, t) in backbone.state_dict())
        {
            var stage = IrseBackbone.StageOfKey(k, 18);
            if (stage is <= 2) { Assert.True(t.equal(enc[k]).all().item<bool>(), $"{k} was not copied"); copied++; }
            else { Assert.True(t.equal(fresh[k]).all().item<bool>(), $"{k} (stage {stage?.ToString() ?? "head"}) was touched"); kept++; }
        }
        Assert.True(copied > 20 && kept > 20, $"copied {copied}, kept {kept}");
        Assert.True(backbone.IsBodyParameter("body.3.res_layer.1.weight", 2));
        Assert.False(backbone.IsBodyParameter("body.4.res_layer.1.weight", 2));
        Assert.False(backbone.IsBodyParameter("output_layer.3.weight", 4));
        Assert.Throws<NotSupportedException>(() => new RecognitionCheckpointInitializer().Initialize(path, backbone, (0.5f, 0.5f), stages: 2));
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
