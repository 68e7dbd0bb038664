using FaceBoost.Training;
using System.Runtime.InteropServices;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Interop;

/// <summary>Round trips with PyTorch (bench/pytorch/iresnet_ref.py, insightface's iresnet layout).</summary>
public sealed class IResNetWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-pth-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    internal static readonly BackboneOptions Narrow = new() { Name = "iresnet18", BaseWidth = 16, EmbeddingSize = 128, InputSize = 112 };
    private static string RefScript => Path.Combine(Python.RepoRoot(), "bench", "pytorch", "iresnet_ref.py");
    private const string Arch = "--layers 2,2,2,2 --width 16 --emb 128 --input-size 112";

    internal static float[] Embed(IResNet model, Tensor x)
    {
        model.eval();
        using var _ = no_grad();
        using var e = model.forward(x);
        return e.data<float>().ToArray();
    }

    private float[] PythonEmbed(string weights, Tensor x)
    {
        var inPath = Path.Combine(_dir, "x.f32");
        var outPath = Path.Combine(_dir, "e.f32");
        File.WriteAllBytes(inPath, MemoryMarshal.AsBytes(x.data<float>().ToArray().AsSpan()).ToArray());
        Python.Check($"{RefScript} embed {Arch} --weights {weights} --input {inPath} --output {outPath}");
        return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
    }

    private static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (p, q) => MathF.Abs(p - q)).Max();
    }

    [SkippableFact]
    public void Insightface_weights_import_and_export_give_the_same_embeddings_as_pytorch()
    {
        Python.RequireModule("torch");
        TorchRuntime.Initialize(2);
        var pth = Path.Combine(_dir, "backbone.pth");
        Python.Check($"{RefScript} make {Arch} --seed 1 --out {pth}");
        using var x = randn(3, 3, 112, 112, generator: new Generator(5));

        // PyTorch → FaceBoost.
        using var model = new IResNet(18, Narrow);
        var report = IResNetWeights.ImportInsightface(pth, model);
        Assert.True(report.IsExact, report.Describe());
        var ours = Embed(model, x);
        var theirs = PythonEmbed(pth, x);
        float importDiff = MaxAbsDiff(ours, theirs);
        Console.WriteLine($"import: {report.Describe()}; max |Δ| = {importDiff:E2} over {ours.Length} values (max |e| = {ours.Max(MathF.Abs):F2})");
        Assert.True(importDiff <= 1e-4f, $"import max abs diff {importDiff}");

        // As a FaceBoost checkpoint (what `faceboost import` writes): eval's checkpoint path gives the same embeddings.
        var fbck = Path.Combine(_dir, "imported.fbck");
        InsightfaceCheckpointImport.ToCheckpoint(pth, Narrow, fbck);
        using (var rm = FaceBoost.Training.RecognitionModel.Load(fbck))
        using (var e = rm.Embed(x))
            Assert.Equal(ours, e.data<float>().ToArray());

        // FaceBoost → PyTorch: perturb so the exported weights are not the imported file's.
        using (no_grad())
            foreach (var (_, p) in model.named_parameters()) p.mul_(1.01f);
        var exported = Path.Combine(_dir, "exported.pth");
        IResNetWeights.ExportInsightface(model, exported);
        var ours2 = Embed(model, x);
        var theirs2 = PythonEmbed(exported, x); // strict load_state_dict in PyTorch
        float exportDiff = MaxAbsDiff(ours2, theirs2);
        Console.WriteLine($"export: max |Δ| = {exportDiff:E2}");
        Assert.True(exportDiff <= 1e-4f, $"export max abs diff {exportDiff}");
        Assert.True(MaxAbsDiff(ours, ours2) > 1e-3f); // the perturbation really changed the model

        // A checkpoint of another shape is refused with every offending key named.
        var other = Path.Combine(_dir, "other.pth");
        Python.Check($"{RefScript} make --layers 2,2,2,2 --width 16 --emb 64 --input-size 112 --out {other}");
        using var fresh = new IResNet(18, Narrow);
        var ex = Assert.Throws<StateDictMismatchException>(() => IResNetWeights.ImportInsightface(other, fresh));
        Assert.Contains("fc.weight", ex.Message);
        Assert.Contains("features.running_mean", ex.Message);
        Assert.Equal(6, ex.Report.ShapeMismatches.Count); // fc.weight, fc.bias, features.{weight,bias,running_mean,running_var}
    }

    [Fact]
    public void Corrupt_or_legacy_checkpoints_give_clear_errors()
    {
        TorchRuntime.Initialize(2);
        using var model = new IResNet(18, Narrow);
        var legacy = Path.Combine(_dir, "legacy.pth");
        File.WriteAllBytes(legacy, [0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46]); // pre-1.6 torch.save starts with a pickle
        Assert.Contains("not a zip-format", Assert.Throws<InvalidDataException>(() => IResNetWeights.ImportInsightface(legacy, model)).Message);
        var broken = Path.Combine(_dir, "broken.pth");
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        bytes[0] = 0x50; bytes[1] = 0x4b; bytes[2] = 3; bytes[3] = 4;
        File.WriteAllBytes(broken, bytes);
        Assert.Contains("broken.pth", Assert.Throws<InvalidDataException>(() => IResNetWeights.ImportInsightface(broken, model)).Message);
        Assert.Throws<InvalidDataException>(() => IResNetWeights.ImportInsightface(Path.Combine(_dir, "absent.pth"), model));
    }

    [SkippableFact]
    public void Psp_checkpoint_encoder_weights_load_where_shapes_match()
    {
        Python.RequireModule("torch");
        TorchRuntime.Initialize(2);
        var opts = new BackboneOptions { Name = "irse18", BaseWidth = 16, EmbeddingSize = 64, InputSize = 64 };
        using var source = new IrseBackbone(18, true, opts);
        var plain = Path.Combine(_dir, "irse.pth");
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(source, plain);
        // Wrap as pSp does: encoder.* + decoder.* under "state_dict", plus opts and latent_avg; make one
        // encoder tensor the wrong shape and add pSp-only encoder heads (styles.*).
        var ckpt = Path.Combine(_dir, "psp.pt");
        Python.Check("-", $$"""
import torch, collections
sd = torch.load(r'{{plain}}')
out = collections.OrderedDict(('encoder.' + k, v) for k, v in sd.items() if not k.startswith('output_layer.'))
out['encoder.input_layer.0.weight'] = torch.zeros(16, 6, 3, 3)
out['encoder.styles.0.convs.0.weight'] = torch.zeros(8, 8, 3, 3)
out['decoder.conv1.conv.weight'] = torch.zeros(1, 8, 8, 3, 3)
torch.save({'state_dict': out, 'opts': {'encoder_type': 'GradualStyleEncoder', 'input_nc': 6}, 'latent_avg': torch.zeros(18, 512)}, r'{{ckpt}}')
""");
        using var target = new IrseBackbone(18, true, opts);
        var report = PspEncoderWeights.Import(ckpt, target);
        Console.WriteLine(report.Describe());
        Assert.Single(report.ShapeMismatches);
        Assert.Equal("input_layer.0.weight", report.ShapeMismatches[0].Key);
        Assert.Equal(["styles.0.convs.0.weight"], report.Unexpected);
        Assert.All(report.Missing, k => Assert.True(k.StartsWith("output_layer.") || k == "input_layer.0.weight", k));
        Assert.Contains(report.Ignored, k => k.StartsWith("decoder.conv1.conv.weight"));
        Assert.Contains(report.Ignored, k => k.StartsWith("latent_avg"));
        // Every loaded tensor now equals the source's.
        var src = source.state_dict();
        var dst = target.state_dict();
        Assert.True(report.Loaded.Count > 50);
        foreach (var k in report.Loaded) Assert.True(src[k].allclose(dst[k], 0, 0), k);
    }
}
