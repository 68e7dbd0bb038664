using System.Text.Json;
using FaceBoost.Experiments;
using FaceBoost.Synthesis.Procedural;
using FaceBoost.Training;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Experiments;

/// <summary>The whole pipeline at toy scale on procedural faces: every stage runs, the report is written,
/// a re-run reuses every stage, an interrupted run resumes, and a changed option re-runs only what depends on it.</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed class ExperimentRunnerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fb-exp-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private ExperimentConfig TinyConfig()
    {
        var labeled = Path.Combine(_root, "data", "labeled");
        ProceduralDataset.Generate(labeled, new ProceduralDatasetOptions { Identities = 30, ImagesPerIdentity = 6, Size = 32, Seed = 5 });
        ProceduralDataset.GenerateUnlabeled(Path.Combine(_root, "data", "pool"),
            new UnlabeledPoolOptions { Count = 160, Size = 32, Seed = 5, IdentityOffset = ProceduralDataset.PoolOffset(0) });
        return new ExperimentConfig
        {
            Name = "tiny", WorkDir = "work", Threads = 2,
            Pools = [new PoolConfig { Name = "pool", Path = "data/pool" }],
            Labeled = new LabeledSetConfig { Path = "data/labeled", Groups = "data/labeled/groups.txt", HeldOutFraction = 0.34, SplitSeed = 3 },
            Evaluation = [new EvalSetConfig { Name = "heldout", NumPairs = 300 }],
            LabelFractions = [0.5, 1.0], Seeds = [0],
            Arms = ["scratch", "encoder:union", "synthetic"],
            Network = new NetworkConfig { Depth = 18, Width = 8, InputSize = 32 },
            Gan = new GanSettings { Resolution = 32, Kimg = 0.08, BatchSize = 8, ZDim = 32, WDim = 32, MappingLayers = 1, ChannelBase = 256, ChannelMax = 32, PlWeight = 0 },
            Encoder = new EncoderSettings { Steps = 8, BatchSize = 8 },
            Synthetic = new SyntheticStageConfig { Identities = 6, ImagesPerIdentity = 3, PretrainEpochs = 1 },
            Recognition = new RecognitionStageConfig
            {
                EmbeddingSize = 32, Epochs = 3, BatchSize = 16, MinSteps = 80, FreezeBodyEpochs = 1,
                Scale = 32, Margin = 0.3, Lr = 0.05, Schedule = "cosine", WarmupEpochs = -1,
            },
        };
    }

    [Fact]
    public void RunsEveryStageWritesTheReportAndReusesStagesOnReRun()
    {
        var config = TinyConfig();
        var first = new ExperimentRunner(config, _root).Run(log: output.WriteLine);
        // gan + encoder + synthetic + 3 arms × 2 fractions
        Assert.Equal(9, first.StagesRun);
        Assert.Equal(0, first.StagesCached);
        Assert.Equal(6, first.Results.Count);
        Assert.All(first.Results, r => Assert.InRange(r.Overall.Accuracy, 0.0, 1.0));
        Assert.All(first.Results, r => Assert.Subset(new HashSet<string> { "A", "B", "C", "D" }, r.Groups.Keys.ToHashSet()));
        var scratch = first.Results.Single(r => r.Arm == "scratch" && r.LabelFraction == 1.0);
        output.WriteLine($"scratch @100 %: {scratch.Overall.Accuracy:P1}");
        // Procedural identities are learnable even at this size (measured 0.80–0.86 on this config over three runs).
        Assert.True(scratch.Overall.Accuracy > 0.65, $"scratch accuracy {scratch.Overall.Accuracy:P1} at toy scale");
        var html = File.ReadAllText(first.ReportHtml);
        Assert.Contains("encoder:union", html);
        Assert.Contains("data:image/png;base64,", html); // figures embedded: the page is self-contained
        Assert.Contains("Synthetic identities", File.ReadAllText(first.ReportMarkdown));

        var again = new ExperimentRunner(config, _root).Run();
        Assert.Equal(0, again.StagesRun);
        Assert.Equal(9, again.StagesCached);
        Assert.Equal(first.Results.Select(r => r.Overall.Accuracy), again.Results.Select(r => r.Overall.Accuracy));

        // A recognition option changes: generator and encoder are reused, the rest re-runs.
        var changed = config with { Recognition = config.Recognition with { Lr = 0.04 } };
        var third = new ExperimentRunner(changed, _root).Run();
        Assert.Equal(2, third.StagesCached);
        Assert.Equal(7, third.StagesRun);
    }

    [Fact]
    public void AnInterruptedExperimentResumesFromFinishedStages()
    {
        var config = TinyConfig() with { Arms = ["scratch", "encoder:union"], LabelFractions = [1.0] };
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<ExperimentProgress>(p => { if (p.Stage.StartsWith("train:", StringComparison.Ordinal)) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new ExperimentRunner(config, _root).Run(progress, cts.Token));

        var resumed = new ExperimentRunner(config, _root).Run();
        Assert.Equal(2, resumed.StagesCached); // gan and encoder were finished before the interruption
        Assert.Equal(2, resumed.StagesRun);
        Assert.Equal(2, resumed.Results.Count);
    }

    /// <summary>A budget sweep: one GAN run serves both kimg points (snapshots of the same run), every encoder point and
    /// the autoencoder's steps points become arms, and the report has the gain-vs-budget table.</summary>
    [Fact]
    public void ABudgetSweepSharesOneGanRunAndReportsGainVsBudget()
    {
        var config = TinyConfig() with
        {
            Arms = ["scratch", "encoder:union", "autoencoder"], LabelFractions = [1.0],
            Sweep = new SweepConfig { GanKimg = [0.08, 0.04], EncoderSteps = [4, 8] },
        };
        var outcome = new ExperimentRunner(config, _root).Run(log: output.WriteLine);
        var arms = outcome.Results.Select(r => r.Arm).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["autoencoder@4steps", "autoencoder@8steps", "encoder:union@0.04kimg/4steps", "encoder:union@0.04kimg/8steps",
                      "encoder:union@0.08kimg/4steps", "encoder:union@0.08kimg/8steps", "scratch"], arms);

        var stages = Path.Combine(_root, "work", "stages");
        var gan = Directory.GetDirectories(stages, "gan-*").Single(); // one run for both points
        Assert.True(File.Exists(Path.Combine(gan, "point-k0.04.json")) && File.Exists(Path.Combine(gan, "point-k0.08.json")));
        Assert.Equal(2, Directory.GetFiles(gan, "G-k*.fbck").Length);
        // The run went on from the first point: its stats start at kimg 0 once.
        Assert.Single(File.ReadLines(Path.Combine(gan, "stats.jsonl")), l => l.Contains("\"kimg\":0,") || l.Contains("\"kimg\":0.0,"));
        Assert.Equal(4, Directory.GetDirectories(stages, "encoder-*").Length);
        Assert.Equal(2, Directory.GetDirectories(stages, "autoencoder-*").Length);

        var md = File.ReadAllText(outcome.ReportMarkdown);
        Assert.Contains("Gain over scratch vs pretraining budget", md);
        Assert.Contains("| encoder:union | 0.08 | 8 |", md);
        Assert.Contains("| autoencoder | – (no GAN) | 4 |", md);
        Assert.True(File.Exists(Path.Combine(_root, "work", "report", "gain-vs-budget-heldout.png")));

        // Asking again reuses every point.
        var again = new ExperimentRunner(config, _root).Run();
        Assert.Equal(0, again.StagesRun);
    }

    /// <summary>Pretraining draws: with two draws, seed 1's encoder arm starts from its own GAN and encoder (other seeds),
    /// while draw 0 keeps the stage keys of a one-draw run (so its stages are reused) and scratch does not change.</summary>
    [Fact]
    public void PretrainingDrawsGiveEachSeedItsOwnGanAndEncoderAndReuseDrawZero()
    {
        var config = TinyConfig() with { Arms = ["scratch", "encoder:union"], LabelFractions = [1.0], Seeds = [0, 1] };
        var one = new ExperimentRunner(config, _root).Run(log: output.WriteLine);
        Assert.Equal(6, one.StagesRun); // gan, encoder, 2 arms × 2 seeds

        var two = new ExperimentRunner(config with { PretrainDraws = 2 }, _root).Run(log: output.WriteLine);
        Assert.Equal(3, two.StagesRun); // draw 1's gan and encoder, and seed 1's encoder arm
        Assert.Equal(5, two.StagesCached);
        var stages = Path.Combine(_root, "work", "stages");
        Assert.Equal(2, Directory.GetDirectories(stages, "gan-*").Length);
        Assert.Equal(2, Directory.GetDirectories(stages, "encoder-*").Length);
        double Acc(ExperimentOutcome o, string arm, int seed) => o.Results.Single(r => r.Arm == arm && r.Seed == seed).Overall.Accuracy;
        Assert.Equal(Acc(one, "scratch", 1), Acc(two, "scratch", 1));
        Assert.Equal(Acc(one, "encoder:union", 0), Acc(two, "encoder:union", 0));
        Assert.Contains("seed 1 → draw 1", File.ReadAllText(two.ReportMarkdown));

        var e = Assert.Throws<ArgumentException>(() => new ExperimentRunner(config with { PretrainDraws = 3 }, _root).Validate());
        Assert.Contains("pretrainDraws 3", e.Message);
    }

    /// <summary>crossDraws trains every seed from every draw: the diagonal's models are reused by key, only the
    /// off-diagonal pairs train, and the table counts a seed once with its gain averaged over the draws.</summary>
    [Fact]
    public void CrossedDrawsTrainEverySeedFromEveryDrawAndAverageTheDrawsPerSeed()
    {
        var config = TinyConfig() with { Arms = ["scratch", "encoder:union"], LabelFractions = [1.0], Seeds = [0, 1], PretrainDraws = 2 };
        var diagonal = new ExperimentRunner(config, _root).Run(log: output.WriteLine);
        var crossed = new ExperimentRunner(config with { CrossDraws = true }, _root).Run(log: output.WriteLine);
        Assert.Equal(2, crossed.StagesRun); // seed 0 from draw 1 and seed 1 from draw 0
        var enc = crossed.Results.Where(r => r.Arm == "encoder:union").ToList();
        Assert.Equal([(0, 0), (0, 1), (1, 0), (1, 1)], enc.Select(r => (r.Seed, r.Draw)).Order().ToList());
        foreach (var d in diagonal.Results.Where(r => r.Arm == "encoder:union"))
            Assert.Equal(d.Overall.Accuracy, enc.Single(r => r.Seed == d.Seed && r.Draw == d.Draw).Overall.Accuracy);

        var row = crossed.Table.Rows.Single(r => r.Arm == "encoder:union");
        Assert.Equal(2, row.Seeds);
        double Scratch(int seed) => crossed.Results.Single(r => r.Arm == "scratch" && r.Seed == seed).Overall.Accuracy;
        foreach (var (seed, gain) in row.Paired!.Seeds.Zip(row.Paired.Gains))
            Assert.Equal(enc.Where(r => r.Seed == seed).Average(r => r.Overall.Accuracy) - Scratch(seed), gain, 12);
        var md = File.ReadAllText(crossed.ReportMarkdown);
        Assert.Contains("Gain over scratch per pretraining draw", md);
        Assert.Contains("crossed: every recognition seed trained from every draw", md);

        // More draws than seeds is allowed only when every seed uses every draw.
        new ExperimentRunner(config with { PretrainDraws = 3, CrossDraws = true }, _root).Validate();
    }

    [Fact]
    public void ConfigErrorsAreClear()
    {
        var bad = new ExperimentConfig { Arms = ["scratch", "encoder:nope"], Pools = [new PoolConfig { Name = "p", Path = "x" }] };
        var e = Assert.Throws<ArgumentException>(() => new ExperimentRunner(bad, _root).Validate());
        Assert.Contains("encoder:nope", e.Message);
        new ExperimentRunner(bad with { Arms = ["scratch", "autoencoder"] }, _root).Validate(); // the ablation arm is a known arm
    }

    /// <summary>The autoencoder ablation: the encoder trains through a learned decoder (stored under decoder.*), and the
    /// recognition arm starts from exactly the encoder's input layer and body, by the encoder arm's key names. The
    /// validation split of the training identities is carved out, evaluated on, and named in the report.</summary>
    [Fact]
    public void AutoencoderArmTrainsADecoderAndTransfersOnlyTheEncoderBody()
    {
        var config = TinyConfig() with
        {
            Arms = ["scratch", "encoder:union", "autoencoder"], LabelFractions = [1.0],
            Labeled = TinyConfig().Labeled with { ValidationFraction = 0.25 },
            Evaluation = [new EvalSetConfig { Name = "val", Source = "validation", NumPairs = 200 }, new EvalSetConfig { Name = "heldout", NumPairs = 300 }],
        };
        var outcome = new ExperimentRunner(config, _root).Run(log: output.WriteLine);
        Assert.Equal(6, outcome.Results.Count); // 3 arms × 2 evaluation sets
        Assert.All(outcome.Results.Where(r => r.Arm == "autoencoder"), r => Assert.InRange(r.Overall.Accuracy, 0.0, 1.0));

        var aeDir = Directory.GetDirectories(Path.Combine(_root, "work", "stages"), "autoencoder-*").Single();
        var encDir = Directory.GetDirectories(Path.Combine(_root, "work", "stages"), "encoder-*").Single();
        using var ae = FaceBoost.Training.EncoderCheckpoint.Load(aeDir);
        using var enc = FaceBoost.Training.EncoderCheckpoint.Load(encDir);
        Assert.Equal(FaceBoost.Training.EncoderCheckpoint.LearnedDecoderName, ae.Info.Decoder);
        Assert.Null(enc.Info.Decoder);
        Assert.Equal(enc.EncoderState.Keys.Order(), ae.EncoderState.Keys.Order()); // the same encoder, the same names

        // The transfer takes input_layer.* and body.* — nothing of the decoder, nothing of the style head.
        using var backbone = new FaceBoost.Nets.IrseBackbone(18, true, new FaceBoost.Nets.BackboneOptions
            { Name = "irse18", InputSize = 32, InputChannels = 6, EmbeddingSize = 32, BaseWidth = 8 });
        var before = backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        FaceBoost.Training.EncoderTransfer.CopyInto(ae, backbone);
        var after = backbone.state_dict();
        var changed = after.Keys.Where(k => !after[k].equal(before[k]).all().item<bool>()).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, k => Assert.True(k.StartsWith("input_layer.", StringComparison.Ordinal) || k.StartsWith("body.", StringComparison.Ordinal), k));
        foreach (var k in ae.EncoderState.Keys.Where(k => k.StartsWith("input_layer.", StringComparison.Ordinal) || k.StartsWith("body.", StringComparison.Ordinal)))
            Assert.True(ae.EncoderState[k].equal(after[k]).all().item<bool>(), $"{k} not transferred");

        var md = File.ReadAllText(outcome.ReportMarkdown);
        Assert.Contains("validation split", md);
        Assert.Contains("Verification on `val`", md);
        Assert.Contains("Autoencoder reconstructions", md);
        Assert.Contains("per-seed gain", md);

        // With the autoencoder as the only pretrained arm, scratch keeps the 6-channel architecture (its average image).
        var alone = new ExperimentRunner(config with { Arms = ["scratch", "autoencoder"] }, _root).Run(log: output.WriteLine);
        Assert.Equal(1, alone.StagesRun); // only scratch, now from the autoencoder's average image
        var scratchKeys = Directory.GetDirectories(Path.Combine(_root, "work", "stages"), "train-*")
            .Select(d => JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "key.json"))).RootElement)
            .Where(k => k.GetProperty("arm").GetString() == "scratch").ToList();
        Assert.Equal(2, scratchKeys.Count);
        Assert.All(scratchKeys, k => Assert.True(k.GetProperty("sixChannels").GetBoolean()));
        Assert.Contains(scratchKeys, k => k.GetProperty("init").GetString() == "avg:" + Path.GetFileName(aeDir)["autoencoder-".Length..]);
    }
}

public sealed class ShippedConfigTests
{
    private static string RepoFile(params string[] parts)
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "FaceBoost.sln"))) dir = Path.GetDirectoryName(dir);
        return Path.Combine([dir ?? throw new InvalidOperationException("repository root not found"), .. parts]);
    }

    [Theory]
    [InlineData("demo.json")]
    [InlineData("shared-data.json")]
    [InlineData("paper.json")]
    [InlineData("shared-sweep.json")]
    [InlineData("shared-64.json")]
    [InlineData("shared-64-faces.json")]
    [InlineData("cpu-best.json")]
    [InlineData("demo-strong.json")]
    public void ShippedConfigsLoadAndValidate(string name)
    {
        var path = RepoFile("configs", name);
        var runner = ExperimentRunner.FromFile(path);
        runner.Validate();
        Assert.NotEmpty(runner.Config.Arms);
    }

    [Fact]
    public void BuiltInDemoConfigIsTheShippedOne() =>
        Assert.Equal(File.ReadAllText(RepoFile("configs", "demo.json")), DemoExperiment.BuiltInConfigJson());

    /// <summary>A demo folder from an older version keeps a user's edits, but an unedited demo.json follows the built-in
    /// config when it changes (otherwise keys it leaves out would silently take new defaults).</summary>
    [Fact]
    public void DemoConfigIsRefreshedOnlyWhenTheUserDidNotEditIt()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fb-democfg-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var builtIn = DemoExperiment.BuiltInConfigJson();
            var path = DemoExperiment.EnsureConfig(dir);
            Assert.Equal(builtIn, File.ReadAllText(path));
            var written = Path.Combine(dir, DemoExperiment.WrittenCopyName);

            const string older = "{ \"name\": \"an older built-in demo\" }";
            File.WriteAllText(path, older);
            File.WriteAllText(written, older);
            var notes = new List<string>();
            DemoExperiment.EnsureConfig(dir, notes.Add);
            Assert.Equal(builtIn, File.ReadAllText(path));
            Assert.Contains("updated", Assert.Single(notes));

            const string edited = "{ \"name\": \"my edit\" }";
            File.WriteAllText(path, edited);
            notes.Clear();
            DemoExperiment.EnsureConfig(dir, notes.Add);
            Assert.Equal(edited, File.ReadAllText(path));
            Assert.Contains("kept", Assert.Single(notes));

            File.Delete(written); // a folder from before the copy existed: kept, with the note
            notes.Clear();
            DemoExperiment.EnsureConfig(dir, notes.Add);
            Assert.Equal(edited, File.ReadAllText(path));
            Assert.Contains("delete it", Assert.Single(notes));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    /// <summary>demo.nuisance reaches every render, labeled and unlabeled (the same identity and image index renders
    /// differently at another strength, and the same at the same one); out of range is refused before anything is
    /// rendered.</summary>
    [Fact]
    public void DemoNuisanceReachesTheRendersAndIsValidated()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fb-demonuis-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            (byte[] Labeled, byte[] Pool) Render(float nuisance, string sub)
            {
                var outDir = Path.Combine(dir, sub);
                Directory.CreateDirectory(outDir);
                File.WriteAllText(Path.Combine(outDir, "demo.json"), $$"""
                    { "name": "tiny", "demo": { "labeledIdentities": 2, "imagesPerIdentity": 2, "poolImages": 2, "imageSize": 32,
                      "nuisance": {{nuisance.ToString(System.Globalization.CultureInfo.InvariantCulture)}} } }
                    """);
                DemoExperiment.Prepare(outDir);
                var identity = Directory.GetDirectories(Path.Combine(outDir, "data", "labeled")).Order(StringComparer.Ordinal).First();
                var pool = Directory.GetFiles(Path.Combine(outDir, "data", "pool-AB"), "*.png").Order(StringComparer.Ordinal).First();
                return (File.ReadAllBytes(Path.Combine(identity, "001.png")), File.ReadAllBytes(pool));
            }
            var still = Render(0f, "n0");
            var still2 = Render(0f, "n0b");
            var varied = Render(1.5f, "n15");
            Assert.Equal(still.Labeled, still2.Labeled);
            Assert.NotEqual(still.Labeled, varied.Labeled);
            Assert.NotEqual(still.Pool, varied.Pool);
            var ex = Assert.Throws<ArgumentException>(() => Render(9f, "n9"));
            Assert.Contains("demo.nuisance", ex.Message);
            Assert.Contains(Path.Combine(dir, "n9", "demo.json"), ex.Message);
            Assert.False(Directory.Exists(Path.Combine(dir, "n9", "data")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
