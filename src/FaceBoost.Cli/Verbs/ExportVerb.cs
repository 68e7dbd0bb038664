using System.CommandLine;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using FaceBoost.Training;

namespace FaceBoost.Cli.Verbs;

/// <summary>`faceboost export`: loads an IResNet — a FaceBoost checkpoint (`--checkpoint`, .fbck or run folder)
/// or insightface weights (`--pth`, every key checked) — and writes it as ONNX (`--onnx`) and/or as an insightface state dict (`--pth-out`).</summary>
public sealed class ExportVerb : IVerb
{
    public Command Build()
    {
        var pth = new Option<string?>("--pth") { Description = "IResNet weights: a torch.save'd state dict (insightface backbone.pth or FaceBoost --pth-out)" }.Path();
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A FaceBoost recognition checkpoint (.fbck) or run folder (its latest)" }.Path();
        var arch = new Option<string>("--arch") { Description = "iresnet18|34|50|100|200", DefaultValueFactory = _ => "iresnet50" }.OneOf("iresnet18", "iresnet34", "iresnet50", "iresnet100", "iresnet200");
        var width = new Option<int>("--width") { Description = "Base width (64 = insightface)", DefaultValueFactory = _ => 64 }.Range(8, 1024);
        var size = new Option<int>("--input-size") { Description = "Input side (112 = insightface)", DefaultValueFactory = _ => 112 }.Range(16, 1024);
        var emb = new Option<int>("--embedding-size") { Description = "Embedding length", DefaultValueFactory = _ => 512 }.Range(2, 8192);
        var onnx = new Option<string?>("--onnx") { Description = "Write an ONNX model here (opset 13; preprocessing in metadata)" }.Path();
        var pthOut = new Option<string?>("--pth-out") { Description = "Write an insightface-loadable state dict here" }.Path();
        var mean = new Option<float>("--mean") { Description = "Pixel mean recorded in the ONNX metadata (0–255 units)", DefaultValueFactory = _ => 127.5f }.Range(-1000f, 1000f);
        var std = new Option<float>("--std") { Description = "Pixel std recorded in the ONNX metadata (0–255 units)", DefaultValueFactory = _ => 127.5f }.Range(1e-6f, 1000f);
        var cmd = new Command("export", "Export IResNet weights to ONNX and/or an insightface state dict.");
        foreach (var o in new Option[] { pth, checkpoint, arch, width, size, emb, onnx, pthOut, mean, std }) cmd.Options.Add(o);
        cmd.SetAction(pr =>
        {
            TorchRuntime.Initialize();
            IResNet model;
            RecognitionModel? recognition = null;
            float meanPx = pr.GetValue(mean), stdPx = pr.GetValue(std);
            if (pr.GetValue(checkpoint) is string ck)
            {
                recognition = RecognitionModel.Load(ck);
                model = recognition.Backbone as IResNet ?? throw new NotSupportedException(
                    $"{ck}: backbone {recognition.Backbone.GetName()} is not an IResNet; only IResNet export is implemented");
                if (recognition.AverageImage is not null)
                    throw new NotSupportedException($"{ck}: 6-channel (image ⊕ average image) models are not exportable yet");
                // The checkpoint's own normalisation (on [0, 1] pixels) in 0–255 units.
                (meanPx, stdPx) = (recognition.Normalization.Mean * 255f, recognition.Normalization.Std * 255f);
                Console.WriteLine($"loaded {ck}: {model.GetName()}, input {model.InputSize}, embedding {model.EmbeddingSize}");
            }
            else
            {
                var src = pr.GetValue(pth) ?? throw new ArgumentException("--checkpoint or --pth is required");
                var options = new BackboneOptions { Name = pr.GetValue(arch)!, BaseWidth = pr.GetValue(width), InputSize = pr.GetValue(size), EmbeddingSize = pr.GetValue(emb) };
                model = new IResNet(InsightfaceCheckpointImport.ParseDepth(options.Name), options);
                var report = IResNetWeights.ImportInsightface(src, model);
                Console.WriteLine($"loaded {src}: {report.Describe()}");
            }
            using var _ = (IDisposable?)recognition ?? model;
            model.eval();
            if (pr.GetValue(onnx) is string onnxPath)
            {
                IResNetOnnxExporter.Export(model, onnxPath, new OnnxPreprocessing(model.InputSize, meanPx, stdPx));
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
