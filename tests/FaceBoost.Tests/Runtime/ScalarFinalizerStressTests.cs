using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Runtime;

/// <summary>Real training steps of all three trainers while another thread allocates and forces GCs non-stop.
/// A Scalar or temporary tensor that libtorch reads after its last managed reference is finalized mid-op under
/// this load (docs/torchsharp-hazards.md); the analyzer bans the APIs that make one, and this test checks the
/// result: zero failures.</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed class ScalarFinalizerStressTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fb-stress").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    [SkippableFact]
    public void TrainersSurviveAGcStormOnAnotherThread()
    {
        var orl = SharedData.Require("data", "orl");
        TorchRuntime.Initialize(2);
        using var faces = FaceTensorSet.FromFolder(orl, 32, maxImages: 48);
        using var recognition = RecognitionData();
        using var ganFaces = FaceImageSet.Load([orl], 16, seed: 2);

        var (rounds, collections, elapsed) = GcStorm.Run(TimeSpan.FromSeconds(10), round =>
        {
            var dir = Path.Combine(_root, $"round{round}");
            // Recognition: IR-SE (BatchNorm, PReLU, SE), ArcFace, SGD with momentum and clipping.
            var rec = new RecognitionTrainer(RecognitionOptions(Path.Combine(dir, "rec")), recognition).Run();
            Assert.True(double.IsFinite(rec.LastLoss), "recognition loss");
            // GAN: G step, D step + R1, path length, ADA, EMA.
            using (var gan = new GanTrainer(GanOptions(Path.Combine(dir, "gan")), ganFaces, frechet: null)) gan.Run();
            // Encoder: pSp on a frozen generator, Ranger.
            using var g = Encoder.EncoderTrainingTests.TinyGenerator();
            var enc = new EncoderTrainer(Encoder.EncoderTrainingTests.TinyRun(Path.Combine(dir, "enc"), 24), g, e => faces.Epoch(e, 8, 1)).Run();
            Assert.False(enc.StoppedOnNaN, "encoder");
        }, atLeastOnce: true);
        Console.WriteLine($"stress: {rounds} rounds of recognition+GAN+encoder in {elapsed.TotalSeconds:F1} s under {collections} forced GCs, 0 failures");
    }

    private static InMemoryBatchSource RecognitionData()
    {
        manual_seed(1234);
        const int n = 32, classes = 4;
        var labels = Enumerable.Range(0, n).Select(i => (long)(i % classes)).ToArray();
        using var centres = randn(classes, 3, 32, 32);
        using var idx = tensor(labels);
        using var noise = randn(n, 3, 32, 32);
        using var half = 0.5.ToScalar();
        using var images = centres.index_select(0, idx).add(noise, half);
        return new InMemoryBatchSource(images, labels, classes, 16, 3, flip: true);
    }

    private static RecognitionTrainOptions RecognitionOptions(string runDir) => new()
    {
        Backbone = new BackboneOptions { Name = "irse18", InputSize = 32, BaseWidth = 8, EmbeddingSize = 16, Dropout = 0.2 },
        Head = new HeadOptions { Loss = "arcface", Scale = 16, Margin = 0.3 },
        Optimizer = new OptimizerOptions { Kind = "sgd", LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4, ClipGradNorm = 5 },
        Schedule = new ScheduleOptions { Kind = "step", Milestones = [1], Factor = 1 / 1.5 },
        Epochs = 16, BatchSize = 16, Seed = 7, Threads = 2, LogEvery = 1, RunDir = runDir,
    };

    private static GanTrainOptions GanOptions(string runDir) => new(
        runDir, new GanSettings { Resolution = 16, ZDim = 8, WDim = 8, MappingLayers = 2, ChannelBase = 64, ChannelMax = 8, BatchSize = 4, Kimg = 0.08, AdaTarget = 0.01 },
        AdaKimg: 0.004, SnapshotKimg: 1, SampleKimg: 1, LogKimg: 0.004,
        FdImages: 0, SampleGridSize: 4, Seed: 3, R1Interval: 2, PlInterval: 2);
}
