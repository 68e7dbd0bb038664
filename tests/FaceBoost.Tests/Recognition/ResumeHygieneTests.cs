using System.Text.Json.Nodes;
using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Recognition;

/// <summary>Resume after a kill: stale temp files go, stats rows after the checkpoint are dropped (none repeats), and
/// a torn newest checkpoint falls back to the older one beside it — saying so — still reaching identical weights.</summary>
[Collection(RecognitionCollection.Name)]
public sealed class ResumeHygieneTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fb-hygiene-").FullName;

    public ResumeHygieneTests() => TorchRuntime.Initialize(1);

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static InMemoryBatchSource Synthetic()
    {
        torch.manual_seed(1234);
        var labels = Enumerable.Range(0, 64).Select(i => (long)(i % 8)).ToArray();
        using var centres = randn(8, 3, 32, 32);
        using var noise = randn(64, 3, 32, 32);
        using var half = 0.5.ToScalar();
        using var one = 1.ToScalar();
        using var images = centres.index_select(0, tensor(labels)).add(noise.mul(half), one);
        return new InMemoryBatchSource(images, labels, 8, 16, 3, flip: true);
    }

    private RecognitionTrainOptions Options(string name) => new()
    {
        Backbone = new BackboneOptions { Name = "iresnet18", InputSize = 32, BaseWidth = 8, EmbeddingSize = 16 },
        Head = new HeadOptions { Loss = "arcface", Scale = 16, Margin = 0.3 },
        Optimizer = new OptimizerOptions { Kind = "sgd", LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4 },
        Epochs = 3, BatchSize = 16, Seed = 7, Threads = 1, LogEvery = 1, RunDir = Path.Combine(_root, name),
    };

    [Fact]
    public void TornNewestCheckpointFallsBackAndLeavesNoLitter()
    {
        using var source = Synthetic();
        var straight = new RecognitionTrainer(Options("straight"), source).Run();
        var o = Options("killed") with { CheckpointEverySteps = 5 };
        var killed = new RecognitionTrainer(o with { StopAfterSteps = 7 }, source).Run();
        Assert.EndsWith("ckpt-e001-b00001-s00000005.fbck", killed.LastCheckpoint);
        // A kill mid-write of the newest checkpoint, plus a temp file a killed writer left behind.
        var bytes = File.ReadAllBytes(killed.LastCheckpoint!);
        File.WriteAllBytes(killed.LastCheckpoint!, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var stale = Path.Combine(o.RunDir, ".ckpt-e001-b00002-s00000006.fbck.2147480.tmp");
        File.WriteAllText(stale, "half");

        var notes = new List<string>();
        var resumed = new RecognitionTrainer(o, source) { Say = notes.Add }.Run(resume: true);
        Assert.Equal(straight.GlobalStep, resumed.GlobalStep);
        Assert.Contains(notes, n => n.Contains("older checkpoint ckpt-e001-b00000-s00000004.fbck") && n.Contains("truncated"));
        Assert.Empty(Directory.GetFiles(o.RunDir, "*.tmp"));

        var steps = File.ReadAllLines(TrainingRun.StatsPath(o.RunDir)).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), steps);

        var (_, a) = RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(Path.Combine(_root, "straight")));
        var (_, b) = RecognitionCheckpoint.Read(RecognitionCheckpoint.Resolve(o.RunDir));
        foreach (var (k, t) in a) Assert.True(t.bytes.SequenceEqual(b[k].bytes), $"'{k}' differs after fallback resume");
        foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
    }

    [Fact]
    public void NoReadableCheckpointIsOneCheckpointError()
    {
        using var source = Synthetic();
        var o = Options("broken") with { CheckpointEverySteps = 5 };
        new RecognitionTrainer(o with { StopAfterSteps = 6 }, source).Run();
        foreach (var f in Directory.GetFiles(o.RunDir, "*.fbck")) File.WriteAllBytes(f, [1, 2, 3]);
        var e = Assert.Throws<CheckpointException>(() => new RecognitionTrainer(o, source).Run(resume: true));
        Assert.Contains("no checkpoint of the run reads", e.Message);
    }
}
