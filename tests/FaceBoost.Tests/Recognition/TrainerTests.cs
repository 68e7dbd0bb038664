using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Recognition;

[Collection(RecognitionCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fb-train-" + Guid.NewGuid().ToString("N")[..8]);

    // One intra-op thread: with 2 threads this libtorch build intermittently returns NaN from
    // ConvolutionBackward at these narrow widths (same inputs, different runs); 1 thread never did.
    public TrainerTests() => TorchRuntime.Initialize(1);

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static InMemoryBatchSource Synthetic(int n = 64, int classes = 8, int batch = 16, int seed = 3)
    {
        torch.manual_seed(1234);
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % classes)).ToArray();
        // Class-dependent means so the task is learnable.
        using var centres = randn(classes, 3, 32, 32);
        using var images = centres.index_select(0, tensor(labels)) + 0.5 * randn(n, 3, 32, 32);
        return new InMemoryBatchSource(images, labels, classes, batch, seed, flip: true);
    }

    private RecognitionTrainOptions Options(string name) => new()
    {
        Backbone = new BackboneOptions { Name = "iresnet18", InputSize = 32, BaseWidth = 8, EmbeddingSize = 16, Dropout = 0.2 },
        Head = new HeadOptions { Loss = "arcface", Scale = 16, Margin = 0.3, FocalGamma = 2 },
        Optimizer = new OptimizerOptions { Kind = "sgd", LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4, ClipGradNorm = 5 },
        Schedule = new ScheduleOptions { Kind = "step", Milestones = [2], Factor = 1 / 1.5 },
        Epochs = 3, BatchSize = 16, Seed = 7, Threads = 1, LogEvery = 2, RunDir = Path.Combine(_root, name),
    };

    private static Dictionary<string, Tensor> Final(string runDir) => RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(runDir)).Tensors;

    [Fact]
    public void ResumedRunReachesIdenticalWeights()
    {
        using var source = Synthetic();
        var straight = new RecognitionTrainer(Options("straight"), source).Run();
        Assert.Equal(12, straight.GlobalStep);
        Assert.True(File.Exists(Path.Combine(_root, "straight", "options.json")));
        Assert.True(File.ReadAllLines(Path.Combine(_root, "straight", "stats.jsonl")).Length >= 6);

        // "Killed" after 6 steps in the middle of epoch 1; the last checkpoint is the one at step 5.
        var o = Options("resumed") with { CheckpointEverySteps = 5 };
        var killed = new RecognitionTrainer(o with { StopAfterSteps = 6 }, source).Run();
        Assert.True(killed.Stopped);
        Assert.EndsWith("ckpt-e001-b00001-s00000005.fbck", killed.LastCheckpoint);
        var resumed = new RecognitionTrainer(o, source).Run(resume: true);
        Assert.Equal(12, resumed.GlobalStep);

        var a = Final(Path.Combine(_root, "straight"));
        var b = Final(Path.Combine(_root, "resumed"));
        Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
        Assert.Contains(a.Keys, k => k.EndsWith("/momentum_buffer"));
        foreach (var (k, t) in a)
            Assert.True(SameBits(t, b[k]), $"tensor '{k}' differs after resume");
    }

    [Fact]
    public void NonFiniteLossStopsAndKeepsLastGoodCheckpoint()
    {
        using var inner = Synthetic();
        var poisoned = new PoisonedSource(inner, poisonEpoch: 1, poisonBatch: 2);
        var o = Options("nan");
        var ex = Assert.Throws<TrainingDivergedException>(() => new RecognitionTrainer(o, poisoned).Run());
        Assert.Contains("epoch 1, batch 2", ex.Message);
        Assert.Contains("ckpt-e001-b00000-s00000004.fbck", ex.Message);
        var latest = RecognitionCheckpoint.Resolve(o.RunDir);
        Assert.EndsWith("ckpt-e001-b00000-s00000004.fbck", latest);
        var (_, tensors) = RecognitionCheckpoint.Read(latest);
        Assert.All(tensors.Where(kv => kv.Value.is_floating_point()), kv => Assert.True(isfinite(kv.Value).all().item<bool>(), kv.Key));
    }

    [Fact]
    public void FrozenBodyDoesNotChangeDuringFrozenEpochs()
    {
        using var source = Synthetic();
        var o = Options("frozen") with { Epochs = 2, FreezeBodyEpochs = 1, KeepCheckpoints = 4 };
        new RecognitionTrainer(o, source).Run();
        torch.manual_seed(o.Seed);
        using var init = BackboneFactory.Create(o.Backbone);
        var e1 = RecognitionCheckpoint.Read(Path.Combine(o.RunDir, "ckpt-e001-b00000-s00000004.fbck")).Tensors;
        var e2 = RecognitionCheckpoint.Read(Path.Combine(o.RunDir, "ckpt-e002-b00000-s00000008.fbck")).Tensors;
        foreach (var (name, p) in init.named_parameters())
        {
            var same1 = SameBits(p, e1["model." + name]);
            var same2 = SameBits(p, e2["model." + name]);
            if (init.IsBodyParameter(name)) { Assert.True(same1, $"{name} moved while frozen"); Assert.False(same2, $"{name} never trained"); }
            else if (p.requires_grad) Assert.False(same1, $"head parameter {name} did not train");
        }
    }

    [Fact]
    public void CheckpointEmbedderEmbedsFaces()
    {
        using var source = Synthetic();
        var o = Options("embed") with { Epochs = 1 };
        new RecognitionTrainer(o, source).Run();
        using var emb = FaceBoost.Training.EmbedderFactory.Open(o.RunDir);
        Assert.Equal(32, emb.InputSize);
        var face = new Imaging.RgbImage(40, 40, Enumerable.Range(0, 3 * 40 * 40).Select(i => (i % 17) / 17f).ToArray());
        var e = emb.Embed([face, face]);
        Assert.Equal(16, e[0].Length);
        Assert.Equal(e[0], e[1]);
    }

    private static bool SameBits(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.detach().contiguous().bytes.SequenceEqual(b.detach().contiguous().bytes);

    private sealed class PoisonedSource(ITrainBatchSource inner, int poisonEpoch, int poisonBatch) : ITrainBatchSource
    {
        public int NumClasses => inner.NumClasses;
        public int BatchesPerEpoch => inner.BatchesPerEpoch;
        public IReadOnlyList<string>? Identities => inner.Identities;
        public (float Mean, float Std) Normalization => inner.Normalization;

        public IEnumerable<TrainBatch> Epoch(int epoch, int startBatch)
        {
            foreach (var b in inner.Epoch(epoch, startBatch))
            {
                if (epoch == poisonEpoch && b.BatchIndex == poisonBatch) b.Images.fill_(float.NaN);
                yield return b;
            }
        }
    }
}
