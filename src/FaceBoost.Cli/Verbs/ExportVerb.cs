using System.CommandLine;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Runtime;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost export`: loads IResNet weights (an insightface `backbone.pth`, every key checked)
/// and writes them as ONNX (`--onnx`) and/or as an insightface state dict (`--pth-out`).</summary>
public sealed class ExportVerb : IVerb
{
    public Command Build()
    {
        var pth = new Option<string>("--pth") { Description = "IResNet weights: a torch.save'd state dict (insightface backbone.pth or FaceBoost --pth-out)", Required = true };
        var arch = new Option<string>("--arch") { Description = "iresnet18|34|50|100|200", DefaultValueFactory = _ => "iresnet50" };
        var width = new Option<int>("--width") { Description = "Base width (64 = insightface)", DefaultValueFactory = _ => 64 };
        var size = new Option<int>("--input-size") { Description = "Input side (112 = insightface)", DefaultValueFactory = _ => 112 };
        var emb = new Option<int>("--embedding-size") { Description = "Embedding length", DefaultValueFactory = _ => 512 };
        var onnx = new Option<string?>("--onnx") { Description = "Write an ONNX model here (opset 13; preprocessing in metadata)" };
        var pthOut = new Option<string?>("--pth-out") { Description = "Write an insightface-loadable state dict here" };
        var mean = new Option<float>("--mean") { Description = "Pixel mean recorded in the ONNX metadata (0–255 units)", DefaultValueFactory = _ => 127.5f };
        var std = new Option<float>("--std") { Description = "Pixel std recorded in the ONNX metadata (0–255 units)", DefaultValueFactory = _ => 127.5f };
        var cmd = new Command("export", "Export IResNet weights to ONNX and/or an insightface state dict.");
        foreach (var o in new Option[] { pth, arch, width, size, emb, onnx, pthOut, mean, std }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize();
            var name = pr.GetValue(arch)!;
            if (!name.StartsWith("iresnet") || !int.TryParse(name["iresnet".Length..], out var depth))
                throw new ArgumentException($"--arch {name}: only iresnet18/34/50/100/200 are exportable");
            var options = new BackboneOptions { Name = name, BaseWidth = pr.GetValue(width), InputSize = pr.GetValue(size), EmbeddingSize = pr.GetValue(emb) };
            using var model = new IResNet(depth, options);
            var report = IResNetWeights.ImportInsightface(pr.GetValue(pth)!, model);
            Console.WriteLine($"loaded {pr.GetValue(pth)}: {report.Describe()}");
            model.eval();
            if (pr.GetValue(onnx) is string onnxPath)
            {
                IResNetOnnxExporter.Export(model, onnxPath, new OnnxPreprocessing(options.InputSize, pr.GetValue(mean), pr.GetValue(std)));
                Console.WriteLine($"wrote {onnxPath}");
            }
            if (pr.GetValue(pthOut) is string outPath)
            {
                IResNetWeights.ExportInsightface(model, outPath);
                Console.WriteLine($"wrote {outPath}");
            }
            if (pr.GetValue(onnx) is null && pr.GetValue(pthOut) is null) Console.Error.WriteLine("nothing to write: give --onnx and/or --pth-out");
            return 0;
        });
        return cmd;
    }
}
