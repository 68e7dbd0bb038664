using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Encoder;

/// <summary>`train --init-from ENCODER` through the recognition trainer: the body arrives from the
/// encoder, stays fixed while frozen, and trains afterwards.</summary>
public sealed class TransferTrainingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fb-enc-xfer-" + Guid.NewGuid().ToString("N")[..8]);

    public TransferTrainingTests() => TorchRuntime.Initialize(2);

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    /// <summary>Saves a small encoder, then trains 2 epochs (the first with the transferred body frozen) from it on
    /// 8 noisy class centres.</summary>
    private (PspEncoder Encoder, string EncoderPath, RecognitionTrainOptions Options) TrainFromEncoder(string run, int transferStages)
    {
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: 4, WDim: 16);
        var encPath = TransferTests.SaveEncoder(o, out var encoder);
        manual_seed(1234);
        var labels = Enumerable.Range(0, 64).Select(i => (long)(i % 8)).ToArray();
        using var centres = randn(8, 3, 32, 32);
        using var images = (centres.index_select(0, tensor(labels)) + 0.5 * randn(64, 3, 32, 32)).clamp(-1, 1);
        using var source = new InMemoryBatchSource(images, labels, 8, 16, 3, flip: true);
        var options = new RecognitionTrainOptions
        {
            Backbone = new BackboneOptions { Name = "irse18", InputSize = 32, InputChannels = 6, BaseWidth = 8, EmbeddingSize = 16, Dropout = 0.2 },
            Head = new HeadOptions { Loss = "arcface", Scale = 16, Margin = 0.3 },
            Optimizer = new OptimizerOptions { Kind = "sgd", LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4 },
            Epochs = 2, FreezeBodyEpochs = 1, BatchSize = 16, Seed = 7, Threads = 2, KeepCheckpoints = 4, TransferStages = transferStages,
            InitFrom = encPath, RunDir = Path.Combine(_root, run),
        };
        new RecognitionTrainer(options, source).Run();
        return (encoder, encPath, options);
    }

    [Fact]
    public void BodyComesFromEncoderStaysFrozenThenTrains()
    {
        var (encoder, encPath, options) = TrainFromEncoder("run", transferStages: 4);
        var ckpts = Directory.GetFiles(options.RunDir, "ckpt-e*.fbck").Order(StringComparer.Ordinal).ToList();
        var e1 = RecognitionCheckpoint.Read(ckpts.First(p => Path.GetFileName(p).StartsWith("ckpt-e001-b00000"))).Tensors;
        var e2 = RecognitionCheckpoint.Read(ckpts.First(p => Path.GetFileName(p).StartsWith("ckpt-e002-b00000"))).Tensors;

        var checkedCount = 0;
        foreach (var (name, p) in encoder.named_parameters())
        {
            if (!name.StartsWith("input_layer.") && !name.StartsWith("body.")) continue;
            Assert.True(p.equal(e1["model." + name]).all().item<bool>(), $"{name} moved while frozen (or was not transferred)");
            Assert.False(p.equal(e2["model." + name]).all().item<bool>(), $"{name} never trained after the frozen epoch");
            checkedCount++;
        }
        Assert.True(checkedCount > 40, $"only {checkedCount} body parameters checked");
        // The head is new and trains from the first epoch.
        Assert.Contains(e1.Keys, k => k.StartsWith("model.output_layer."));
        encoder.Dispose();
        File.Delete(encPath);
    }

    /// <summary>transferStages 1: only what was copied (input layer + stage 1) is frozen; stages 2–4 start fresh and
    /// train in the first epoch.</summary>
    [Fact]
    public void APartialTransferFreezesOnlyWhatItCopied()
    {
        var (encoder, encPath, options) = TrainFromEncoder("partial", transferStages: 1);
        var e1 = RecognitionCheckpoint.Read(Directory.GetFiles(options.RunDir, "ckpt-e001-b00000*.fbck").Single()).Tensors;
        var (frozen, trained) = (0, 0);
        foreach (var (name, p) in encoder.named_parameters())
        {
            if (IrseBackbone.StageOfKey(name, 18) is not { } stage) continue;
            var same = p.equal(e1["model." + name]).all().item<bool>();
            if (stage <= 1) { Assert.True(same, $"{name} moved while frozen (or was not transferred)"); frozen++; }
            else { Assert.False(same, $"{name} (stage {stage}) equals the encoder's: copied, or never trained"); trained++; }
        }
        Assert.True(frozen > 5 && trained > 20, $"frozen {frozen}, trained {trained}");
        encoder.Dispose();
        File.Delete(encPath);
    }
}
