using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Training;
using FaceBoost.Cli.Verbs;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Tests.Synthesis;

[Collection(Recognition.RecognitionCollection.Name)]
public sealed class GanTrainerTests
{
    private static FaceImageSet RandomFaces(int res, string dir)
    {
        // A few synthetic "images" on disk so the loader path is exercised too.
        var imgDir = Path.Combine(dir, "imgs");
        Directory.CreateDirectory(imgDir);
        var rng = new Random(1);
        for (var i = 0; i < 12; i++)
        {
            var img = new FaceBoost.Imaging.RgbImage(res + 4, res + 8);
            for (var k = 0; k < img.Pixels.Length; k++) img.Pixels[k] = (float)rng.NextDouble();
            FaceBoost.Imaging.ImageWriter.Save(img, Path.Combine(imgDir, $"{i}.png"));
        }
        File.WriteAllText(Path.Combine(imgDir, "broken.png"), "not a png");
        return FaceImageSet.Load([imgDir], res, seed: 2);
    }

    [Fact]
    public void CheckpointRoundTripIsExact()
    {
        TorchRuntime.Initialize();
        var dir = GanTestNets.TempDir();
        using var data = RandomFaces(8, dir);
        Assert.Equal(12, data.Count);
        Assert.Single(data.Skipped);
        var o = GanTestNets.TinyTraining(Path.Combine(dir, "run"));
        using var t = new GanTrainer(o, data);
        for (var i = 0; i < 3; i++) t.Step();
        t.SaveCheckpoint();
        using var g = GanCheckpoint.LoadGenerator(t.CheckpointPath);
        Assert.Equal(t.GEma.Options, g.Options);
        var expected = t.GEma.state_dict();
        foreach (var (k, v) in g.state_dict()) Assert.True(v.equal(expected[k]).all().item<bool>(), $"{k} differs after load");
        var h = GanCheckpoint.ReadHeader(t.CheckpointPath);
        Assert.True(h.HasTraining);
        Assert.Equal(3, h.State!.Step);
        Assert.Equal(12, h.State.ImagesShown);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void GeneratorWithoutNoiseInputsLearnsNoNoiseAndKeepsItsOptionsInTheCheckpoint()
    {
        TorchRuntime.Initialize();
        var dir = GanTestNets.TempDir();
        using var data = RandomFaces(8, dir);
        var tiny = GanTestNets.TinyTraining(Path.Combine(dir, "run"));
        var o = tiny with { Settings = tiny.Settings with { NoiseInputs = false } };
        Assert.False(TrainGanVerb.OptionsOf("--data", "f", "--run-dir", "r", "--no-noise-inputs").Settings.NoiseInputs);
        Assert.Null(TrainGanVerb.OptionsOf("--data", "f", "--run-dir", "r").Settings.NoiseInputs);
        using var t = new GanTrainer(o, data);
        for (var i = 0; i < 3; i++) t.Step();
        Assert.All(t.G.NoiseStrengths(), n => Assert.Equal(0f, n.Strength)); // no gradient ever reached them
        t.SaveCheckpoint();
        using var g = GanCheckpoint.LoadGenerator(t.CheckpointPath);
        Assert.False(g.Options.HasNoiseInputs);
        using (var scope = NewDisposeScope())
        {
            // Even with a noise strength set, no mode adds noise.
            using (no_grad())
            using (var half = 0.5.ToScalar())
                foreach (var (name, p) in g.named_parameters())
                    if (name.EndsWith("noise_strength", StringComparison.Ordinal)) p.fill_(half);
            var ws = g.Mapping(randn(2, 8));
            Assert.True(g.Synthesis(ws, NoiseMode.Random).equal(g.Synthesis(ws, NoiseMode.None)).all().item<bool>());
        }
        // Headers and stage keys of generators with noise inputs are as they were before the option existed.
        var json = System.Text.Json.JsonSerializer.Serialize(new GanSettings().Generator(), CheckpointFile.Json);
        Assert.DoesNotContain("noise", json, StringComparison.OrdinalIgnoreCase);
        var old = System.Text.Json.JsonSerializer.Deserialize<GeneratorOptions>(json, CheckpointFile.Json)!;
        Assert.True(old.HasNoiseInputs);
        Assert.Equal(new GanSettings().Generator(), old);
        Assert.Equal(o.Generator, System.Text.Json.JsonSerializer.Deserialize<GeneratorOptions>(System.Text.Json.JsonSerializer.Serialize(o.Generator, CheckpointFile.Json), CheckpointFile.Json));
        Assert.Equal(new GanSettings().Generator(), new GanSettings { NoiseInputs = true }.Generator()); // true is the default, not another generator
        Assert.Equal(new GanSettings(), new GanSettings { NoiseInputs = true }); // nor another GAN stage
        Directory.Delete(dir, true);
    }

    [Fact]
    public void NoiseStrengthMaxBoundsEveryLayersNoiseInGAndItsEma()
    {
        TorchRuntime.Initialize();
        var dir = GanTestNets.TempDir();
        using var data = RandomFaces(8, dir);
        var tiny = GanTestNets.TinyTraining(Path.Combine(dir, "run"));
        const double cap = 0.001;
        var o = tiny with { Settings = tiny.Settings with { NoiseStrengthMax = cap } };
        Assert.Equal(0.01, TrainGanVerb.OptionsOf("--data", "f", "--run-dir", "r", "--noise-strength-max", "0.01").Settings.NoiseStrengthMax);
        Assert.Null(TrainGanVerb.OptionsOf("--data", "f", "--run-dir", "r").Settings.NoiseStrengthMax);
        using var t = new GanTrainer(o, data);
        using (no_grad())
        using (var big = 0.5.ToScalar())
            foreach (var (name, p) in t.G.named_parameters())
                if (name.EndsWith("noise_strength", StringComparison.Ordinal)) p.fill_(big); // as if a layer had learned loud noise
        for (var i = 0; i < 3; i++) t.Step();
        Assert.All(t.G.NoiseStrengths(), n => Assert.InRange(n.Strength, 0f, (float)cap));
        Assert.All(t.GEma.NoiseStrengths(), n => Assert.InRange(n.Strength, 0f, (float)cap));
        Assert.Contains(t.G.NoiseStrengths(), n => n.Strength > 0); // bounded, not switched off
        // Unbounded (null) is the default and is left out of the settings' JSON, so existing GAN stage keys stay.
        Assert.DoesNotContain("noiseStrengthMax", System.Text.Json.JsonSerializer.Serialize(new GanSettings(), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
        Assert.Contains("must be a finite number", Assert.Throws<ArgumentException>(() => (new GanSettings { NoiseStrengthMax = -1 }).Validate()).Message);
        Assert.Contains("noiseInputs is false", Assert.Throws<ArgumentException>(() => (new GanSettings { NoiseStrengthMax = 0.01, NoiseInputs = false }).Validate()).Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ResumeContinuesCounterAdaEmaAndOptimizerState()
    {
        TorchRuntime.Initialize();
        var dir = GanTestNets.TempDir();
        using var data = RandomFaces(8, dir);
        var o = GanTestNets.TinyTraining(Path.Combine(dir, "run"));
        using var a = new GanTrainer(o, data);
        a.Ada.P = 0.3;                            // augmentations on, so p and its RNG use are resumed too
        for (var i = 0; i < 5; i++) a.Step();     // covers PL (step 0, 4) and R1 (step 0)
        a.SaveCheckpoint();

        using var b = new GanTrainer(o, data);    // a fresh process would build the same way
        Assert.True(b.TryResume());
        Assert.Equal(a.State, b.State);
        Assert.Equal(a.Ada.P, b.Ada.P);
        var emaA = a.GEma.state_dict();
        foreach (var (k, v) in b.GEma.state_dict()) Assert.True(v.equal(emaA[k]).all().item<bool>(), $"EMA {k} differs after resume");

        // Continuing both must give the same weights: same data position, RNG, Adam moments and EMA. Both share
        // this process's global torch RNG, so each step of b starts from the RNG state a started from.
        for (var i = 0; i < 4; i++)
        {
            using var rng = torch.get_rng_state();
            a.Step();
            torch.set_rng_state(rng);
            b.Step();
        }
        // Multithreaded float sums are not bit-reproducible across two in-process copies: compare with tolerance.
        Assert.Equal(a.State with { PlMean = 0 }, b.State with { PlMean = 0 });
        Assert.Equal(a.State.PlMean, b.State.PlMean, a.State.PlMean * 1e-2);
        Assert.Equal(36, b.State.ImagesShown);
        var ga = a.G.state_dict(); var da = a.D.state_dict(); emaA = a.GEma.state_dict();
        foreach (var (k, v) in b.G.state_dict()) Assert.True(v.allclose(ga[k], rtol: 1e-3, atol: 1e-4), $"G {k} diverged after resume");
        foreach (var (k, v) in b.D.state_dict()) Assert.True(v.allclose(da[k], rtol: 1e-3, atol: 1e-4), $"D {k} diverged after resume");
        foreach (var (k, v) in b.GEma.state_dict()) Assert.True(v.allclose(emaA[k], rtol: 1e-3, atol: 1e-4), $"EMA {k} diverged after resume");
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RunWritesStatsSamplesAndCheckpoint()
    {
        TorchRuntime.Initialize();
        var dir = GanTestNets.TempDir();
        using var data = RandomFaces(8, dir);
        var run = Path.Combine(dir, "run");
        var o = GanTestNets.TinyTraining(run);
        var fd = new FrechetEvaluator(FeatureExtractors.RandomConv(), data.Head(12), "random-conv", numFakes: 12);
        using (var t = new GanTrainer(o, data, fd)) t.Run();
        var lines = File.ReadAllLines(Path.Combine(run, "stats.jsonl"));
        Assert.True(lines.Length >= 3);
        Assert.Contains("\"fd\":", lines[0]);
        Assert.Contains("\"ada_p\":", lines[^1]);
        Assert.Contains("\"kimg\":0.04", lines[^1]);
        Assert.True(File.Exists(Path.Combine(run, "options.json")));
        Assert.True(Directory.GetFiles(run, "samples-*.png").Length >= 2);
        Assert.Equal(40, GanCheckpoint.ReadHeader(run).State!.ImagesShown);

        // Asking for more kimg on the same run dir continues from 0.04.
        using (var t = new GanTrainer(o with { Settings = o.Settings with { Kimg = 0.06 } }, data, fd))
        {
            Assert.True(t.TryResume());
            Assert.Equal(40, t.State.ImagesShown);
            Assert.Equal(60, t.Run().ImagesShown);
        }
        Directory.Delete(dir, true);
    }
}
