using System.Globalization;
using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Bench;

/// <summary>`gan-fd CHECKPOINT DATA... [--onnx MODEL]`: Fréchet distance of a trained G_ema and of the same
/// architecture at initialisation (built as GanTrainer builds it: manual_seed(seed) then the constructor), against
/// the real images, with the random-conv features and optionally an ONNX face recognizer (raw and L2-normalised
/// embeddings). Lets a run measured with one feature space be read in another afterwards.</summary>
public sealed class GanFdBench : IBenchmark
{
    public string Name => "gan-fd";
    public string Description => "Fréchet distance of a GAN checkpoint vs its initialisation (random-conv and ONNX features)";

    public int Run(string[] args)
    {
        var onnxAt = Array.IndexOf(args, "--onnx");
        var onnx = onnxAt >= 0 ? args[onnxAt + 1] : null;
        var rest = args.Where((_, i) => onnxAt < 0 || (i != onnxAt && i != onnxAt + 1)).ToArray();
        if (rest.Length < 2) { Console.Error.WriteLine("usage: gan-fd CHECKPOINT DATA... [--onnx MODEL] [--images N] [--seed S]"); return 2; }
        int Opt(string name, int def) { var i = Array.IndexOf(rest, name); return i >= 0 ? int.Parse(rest[i + 1], CultureInfo.InvariantCulture) : def; }
        var n = Opt("--images", 500);
        var seed = Opt("--seed", 0);
        var sources = rest.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        TorchRuntime.Initialize(2);

        var header = GanCheckpoint.ReadHeader(rest[0]);
        using var trained = GanCheckpoint.LoadGenerator(rest[0]);
        manual_seed(seed);
        using var init = new StyleGenerator(header.Generator);
        init.eval();
        using var faces = FaceImageSet.Load(sources, header.Generator.Resolution, seed);
        var real = faces.Head(n);
        Console.WriteLine($"{rest[0]}: {header.State?.ImagesShown / 1000.0:F1} kimg; {real.shape[0]} real images from {string.Join(", ", sources)}");

        var spaces = new List<(string Name, Func<Tensor, Tensor> F)> { ("random-conv", FeatureExtractors.RandomConv()) };
        if (onnx is not null)
        {
            var f = FeatureExtractors.Onnx(onnx);
            spaces.Add((Path.GetFileName(onnx) + " (raw)", f));
            spaces.Add((Path.GetFileName(onnx) + " (L2-normalised)", x => nn.functional.normalize(f(x), p: 2, dim: 1)));
        }
        Console.WriteLine("| features | FD at init | FD trained |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, f) in spaces)
        {
            var fd = new FrechetEvaluator(f, real, name, n);
            Console.WriteLine($"| {name} | {fd.Measure(init):F2} | {fd.Measure(trained):F2} |");
        }
        return 0;
    }
}
