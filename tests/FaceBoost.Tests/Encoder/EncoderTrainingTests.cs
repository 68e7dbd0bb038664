using FaceBoost.Losses;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Tests.Encoder;

public sealed class EncoderTrainingTests
{
    public EncoderTrainingTests() => TorchRuntime.Initialize(2);

    internal static FrozenStyleGenerator TinyGenerator(int seed = 7) => new(TinyStyleGenerator(seed));

    internal static StyleGenerator TinyStyleGenerator(int seed = 7)
    {
        manual_seed(seed);
        return new StyleGenerator(new GeneratorOptions(32, ZDim: 32, WDim: 32, MappingLayers: 2, ChannelBase: 512, ChannelMax: 32));
    }

    internal static EncoderTrainOptions TinyRun(string runDir, int steps) => new(
        GeneratorCheckpoint: null, DataFolder: null, RunDir: runDir, Settings: new EncoderSettings { BatchSize = 8, Steps = steps, Lr = 1e-3 },
        Resolution: 32, NumLayers: 18, Width: 8, GridEvery: 1000, CheckpointEvery: 1000, LogEvery: 5, Seed: 1);

    /// <summary>Mean per-image pixel L2 of the encoder's reconstructions of a fixed set.</summary>
    private static double ReconstructionError(string checkpoint, ILatentGenerator g, Tensor images)
    {
        using var ck = EncoderCheckpoint.Load(checkpoint);
        using var enc = ck.CreateEncoder();
        enc.eval();
        using var _ = no_grad();
        var (_, recon) = GeneratorInversion.Invert(enc, g, images, ck.AverageImage);
        return nn.functional.mse_loss(recon, images).item<float>();
    }

    [SkippableFact]
    public void ShortTrainingOnRealFacesLowersReconstructionError()
    {
        var orl = SharedData.Require("data", "orl");
        using var faces = FaceTensorSet.FromFolder(orl, 32, maxImages: 120);
        Assert.Equal(120, faces.Count);
        using var g = TinyGenerator();
        var run = Directory.CreateTempSubdirectory("fb-enc-train").FullName;
        var probe = faces.Images[..16];

        var first = new EncoderTrainer(TinyRun(run, 1), g, e => faces.Epoch(e, 8, 1)).Run();
        var before = ReconstructionError(first.Checkpoint, g, probe);
        // As if the process had logged step 5 after its last checkpoint (step 1) and was then killed.
        File.AppendAllText(Path.Combine(run, "stats.jsonl"), "{\"step\":5,\"epoch\":0,\"l2\":9}\n");
        var result = new EncoderTrainer(TinyRun(run, 80), g, e => faces.Epoch(e, 8, 1)).Run(); // resumes at step 1
        var after = ReconstructionError(result.Checkpoint, g, probe);

        Assert.False(result.StoppedOnNaN);
        Assert.Equal(80, result.Steps);
        Assert.True(after < before * 0.7, $"reconstruction L2 should fall clearly: {before:F4} → {after:F4}");
        var lines = File.ReadAllLines(Path.Combine(run, "stats.jsonl"));
        Assert.True(lines.Length >= 16);
        Assert.Contains("\"images_per_second\"", lines[^1]);
        var steps = lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["step"]!.GetValue<int>()).ToList();
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.Second > p.First), $"stats steps repeat after resume: {string.Join(",", steps)}");
        Assert.True(File.Exists(Path.Combine(run, "average.png")));
        Assert.True(File.Exists(Path.Combine(run, "grids", "step000080.png")));
        Assert.True(File.Exists(Path.Combine(run, "options.json")));
        Directory.Delete(run, true);
    }

    /// <summary>The autoencoder ablation: the learned decoder trains with the encoder (its weights move), travels in the
    /// checkpoint, and a run stopped at step 3 and resumed to 6 ends bit-identical to one run straight to 6.</summary>
    [Fact]
    public void LearnedDecoderTrainsWithTheEncoderAndResumesExactly()
    {
        manual_seed(3);
        using var images = rand(32, 3, 32, 32).mul(Scalars.Two).sub(Scalars.One);
        IEnumerable<Tensor> Epoch(int e)
        {
            var order = Enumerable.Range(0, 32).Select(i => (i * 7 + e * 5) % 32).ToArray(); // a fixed reshuffle per epoch
            for (var b = 0; b < 4; b++) yield return images.index_select(0, tensor(order.Skip(8 * b).Take(8).Select(i => (long)i).ToArray()));
        }
        var go = new GeneratorOptions(32, ZDim: 32, WDim: 32, MappingLayers: 1, ChannelBase: 256, ChannelMax: 32);
        LearnedDecoder Decoder()
        {
            manual_seed(9);
            using var mean = images.mean([0L], keepdim: true);
            return new LearnedDecoder(go, mean);
        }
        string straight = Directory.CreateTempSubdirectory("fb-ae-a").FullName, resumed = Directory.CreateTempSubdirectory("fb-ae-b").FullName;
        using var d0 = Decoder();
        var initial = d0.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var a = new EncoderTrainer(TinyRun(straight, 6) with { CheckpointEvery = 3 }, d0, Epoch).Run();
        using (var d1 = Decoder()) new EncoderTrainer(TinyRun(resumed, 3), d1, Epoch).Run();
        using var d2 = Decoder();
        var b = new EncoderTrainer(TinyRun(resumed, 6) with { CheckpointEvery = 3 }, d2, Epoch).Run();

        using var ca = EncoderCheckpoint.Load(a.Checkpoint);
        using var cb = EncoderCheckpoint.Load(b.Checkpoint);
        Assert.Equal(EncoderCheckpoint.LearnedDecoderName, ca.Info.Decoder);
        using var da = Decoder();
        using var db = Decoder();
        ca.LoadDecoder(da);
        cb.LoadDecoder(db);
        var moved = da.state_dict().Count(kv => !kv.Value.equal(initial[kv.Key]).all().item<bool>());
        Assert.True(moved > 5, $"only {moved} decoder tensors changed: the decoder did not train");
        foreach (var (k, v) in da.state_dict()) Assert.True(v.equal(db.state_dict()[k]).all().item<bool>(), $"decoder {k} differs after resume");
        foreach (var (k, v) in ca.EncoderState) Assert.True(v.equal(cb.EncoderState[k]).all().item<bool>(), $"encoder {k} differs after resume");
        // A frozen-generator run cannot resume a learned-decoder run (and says why).
        using var g = TinyGenerator();
        var e = Assert.Throws<InvalidOperationException>(() => new EncoderTrainer(TinyRun(resumed, 8), g, Epoch).Run());
        Assert.Contains("learned decoder", e.Message);
        Directory.Delete(straight, true);
        Directory.Delete(resumed, true);
    }

    [Fact]
    public void CheckpointRoundTripsWeightsAverageImageAndOptimiser()
    {
        using var g = TinyGenerator();
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: g.NumWs, WDim: g.WDim);
        using var enc = new PspEncoder(o);
        using var opt = new RangerOptimizer(ParameterOptimizer.ByIndex(enc.parameters()));
        var x = rand(2, 3, 32, 32) * 2 - 1;
        var avg = GeneratorInversion.AverageImage(g, 32);
        var (ws, recon) = GeneratorInversion.Invert(enc, g, x, avg);
        nn.functional.mse_loss(recon, x).backward();
        opt.Step();
        var path = Path.Combine(Path.GetTempPath(), $"fb-enc-{Guid.NewGuid():N}.fbck");
        EncoderCheckpoint.Save(path, new EncoderCheckpointInfo(o, 1, 0, 1, null, "ms-ssim"), enc, avg, g.MeanW, opt.StateTensors());
        using var ck = EncoderCheckpoint.Load(path);
        using var again = ck.CreateEncoder();
        foreach (var (k, v) in enc.state_dict()) Assert.True(v.equal(again.state_dict()[k]).all().item<bool>(), k);
        Assert.True(avg.equal(ck.AverageImage).all().item<bool>());
        Assert.Equal(o, ck.Info.Encoder);
        Assert.True(ck.OptimizerState!.ContainsKey("0/slow_buffer"));
        Assert.Equal(new long[] { 1, 3, 32, 32 }, ck.AverageImage.shape);
        File.Delete(path);
    }

    [Fact]
    public void InversionStartsFromTheMeanLatentAndRestyleAccumulates()
    {
        using var g = TinyGenerator();
        var o = new PspEncoderOptions(NumLayers: 18, Width: 8, InputSize: 32, NumWs: g.NumWs, WDim: g.WDim);
        using var enc = new PspEncoder(o);
        enc.eval();
        // A zeroed head predicts no offset: the code is exactly the mean latent and the output the average image.
        using (no_grad()) foreach (var (name, p) in enc.named_parameters()) if (name.StartsWith("linear.")) p.zero_();
        var x = rand(2, 3, 32, 32) * 2 - 1;
        var avg = GeneratorInversion.AverageImage(g, 32);
        var (ws, recon) = GeneratorInversion.Invert(enc, g, x, avg, iterations: 3);
        Assert.Equal(new long[] { 2, g.NumWs, g.WDim }, ws.shape);
        Assert.True(allclose(ws[0, 0], g.MeanW.reshape(-1)));
        Assert.True(allclose(recon[0].clamp(-1, 1), avg[0], atol: 1e-4), $"max diff {(recon[0].clamp(-1, 1) - avg[0]).abs().max().item<float>()}");
    }
}
