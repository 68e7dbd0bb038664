using System.Text;
using FaceBoost.Evaluation;
using FaceBoost.Faces;
using FaceBoost.Imaging;

namespace FaceBoost.Bench;

/// <summary>Alignment quality on the whole CelebA slice, judged by the external MobileFaceNet: 10-fold
/// verification accuracy of YuNet-aligned 112×112 crops versus naive centre crops of the same photos.</summary>
public sealed class PrepareQualityBench : IBenchmark
{
    public string Name => "prepare-quality";
    public string Description => "MobileFaceNet 10-fold accuracy on CelebA: aligned crops vs centre crops (RGB and BGR input)";

    public int Run(string[] args)
    {
        var shared = Environment.GetEnvironmentVariable("FACEBOOST_SHARED") is { Length: > 0 } env ? env : FindBeside("shared");
        if (shared is null || !Directory.Exists(shared)) { Console.Error.WriteLine("prepare-quality: ../shared not found"); return 2; }
        var celeba = Path.Combine(shared, "data", "celeba-dev");
        var items = PrepareInputs.FromListFile(Path.Combine(celeba, "identity.txt"), Path.Combine(celeba, "images"));
        var outDir = Path.Combine(Path.GetTempPath(), $"faceboost-prepare-quality-{Environment.ProcessId}");
        try
        {
            var summary = new FacePreparer(new PrepareOptions(Path.Combine(shared, "models", "yunet-face-detector.onnx"), Workers: 2)).Run(items, outDir);
            var aligned = new List<RgbImage>(); var centre = new List<RgbImage>(); var ids = new List<string>();
            foreach (var item in items)
            {
                var crop = Path.Combine(outDir, item.OutputStem + ".png");
                if (!File.Exists(crop)) continue;
                aligned.Add(ImageDecoder.Decode(crop));
                centre.Add(CentreCrop(ImageDecoder.Decode(item.SourcePath), 112));
                ids.Add(Path.GetDirectoryName(item.OutputStem)!);
            }
            var pairs = BalancedPairs(ids, seed: 7);
            var model = Path.Combine(shared, "models", "mobilefacenet-128d.onnx");
            var md = new StringBuilder()
                .AppendLine("# prepare-quality — alignment judged by an independent recognizer")
                .AppendLine()
                .AppendLine($"`dotnet run -c Release --project bench/FaceBoost.Bench -- prepare-quality` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC).")
                .AppendLine($"`../shared/data/celeba-dev`: {summary.ImagesRead} photos, {summary.ImagesWithAlignedFace} aligned ({100 * summary.AlignedFraction:F1}%),")
                .AppendLine($"{ids.Distinct().Count()} identities; {pairs.Count} pairs (every genuine pair + as many random impostor pairs, seed 7).")
                .AppendLine("Recognizer: `mobilefacenet-128d.onnx`, (p−127.5)/128; centre crop = shorter side resized to 112, centre 112×112.")
                .AppendLine()
                .AppendLine("| crops | channel order | 10-fold accuracy | AUC |")
                .AppendLine("|---|---|---:|---:|");
            foreach (var order in new[] { ChannelOrder.Rgb, ChannelOrder.Bgr })
            {
                using var embedder = new OnnxFaceEmbedder(model, new EmbedderOptions { ChannelOrder = order, Threads = 2 });
                foreach (var (name, set) in new[] { ("YuNet + ArcFace alignment", aligned), ("naive centre crop", centre) })
                {
                    var emb = embedder.Embed(set);
                    var m = VerificationMetrics.Compute(pairs.Select(p => Cosine(emb[p.a], emb[p.b])).ToList(), pairs.Select(p => p.same).ToList());
                    md.AppendLine($"| {name} | {order} | {m.KFold.Mean:F4} ± {m.KFold.Std:F4} | {m.Auc:F4} |");
                }
            }
            Console.Write(md);
            var results = Path.Combine(FindBeside(null) ?? ".", "bench", "results");
            Directory.CreateDirectory(results);
            File.WriteAllText(Path.Combine(results, "prepare-quality.md"), md.ToString());
            return 0;
        }
        finally { if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); }
    }

    private static RgbImage CentreCrop(RgbImage img, int size)
    {
        float s = size / (float)Math.Min(img.Width, img.Height);
        int w = Math.Max(size, (int)MathF.Round(img.Width * s)), h = Math.Max(size, (int)MathF.Round(img.Height * s));
        var r = AffineWarp.Resize(img, w, h);
        return AffineWarp.Warp(r, new SimilarityTransform(1, 0, -(w - size) / 2, -(h - size) / 2), size, size);
    }

    private static List<(int a, int b, bool same)> BalancedPairs(IReadOnlyList<string> ids, int seed)
    {
        var pos = new List<(int a, int b, bool same)>();
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
                if (ids[i] == ids[j]) pos.Add((i, j, true));
        var rng = new Random(seed);
        var neg = new HashSet<(int a, int b, bool same)>();
        while (neg.Count < pos.Count)
        {
            int i = rng.Next(ids.Count), j = rng.Next(ids.Count);
            if (ids[i] != ids[j]) neg.Add((Math.Min(i, j), Math.Max(i, j), false));
        }
        return pos.Zip(neg, (p, n) => new[] { p, n }).SelectMany(x => x).ToList();
    }

    private static double Cosine(float[] x, float[] y)
    {
        double d = 0, nx = 0, ny = 0;
        for (int k = 0; k < x.Length; k++) { d += x[k] * y[k]; nx += x[k] * x[k]; ny += y[k] * y[k]; }
        return d / Math.Sqrt(nx * ny + 1e-12);
    }

    /// <summary>The repo root (folder with FaceBoost.sln), or a sibling of it when <paramref name="sibling"/> is given.</summary>
    private static string? FindBeside(string? sibling)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln")))
                    return sibling is null ? d.FullName : Path.Combine(d.Parent!.FullName, sibling);
        return null;
    }
}
