using System.Diagnostics;
using System.Globalization;
using FaceBoost.Imaging;
using FaceBoost.Synthesis.Procedural;

namespace FaceBoost.Bench;

/// <summary>Procedural face renderer: render speed (in memory and written as PNG folders) and how well an
/// independent recognizer (MobileFaceNet) tells its identities apart at several nuisance strengths.</summary>
public sealed class ProceduralFacesBench : IBenchmark
{
    public string Name => "procedural-faces";
    public string Description => "Procedural faces: images/s and MobileFaceNet verification accuracy vs nuisance strength";

    public int Run(string[] args)
    {
        string model = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "models", "mobilefacenet-128d.onnx");
        float[] strengths = args.Length > 1 ? args[1].Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [0.5f, 1f, 1.5f];
        var lines = new List<string> { "# procedural-faces", "", $"Machine: {Environment.ProcessorCount} cores (shared with other jobs; wall times are upper bounds). {DateTime.UtcNow:u}", "" };

        // Speed: 2000 images at 64 px, in memory and to disk.
        var speedOpts = new ProceduralDatasetOptions { Identities = 200, ImagesPerIdentity = 10, Size = 64, Seed = 1 };
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        ProceduralDataset.Render(speedOpts);
        double renderS = sw.Elapsed.TotalSeconds, renderCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var dir = Path.Combine(Path.GetTempPath(), $"faceboost-bench-procedural-{Environment.ProcessId}");
        cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var summary = ProceduralDataset.Generate(dir, speedOpts);
        double diskCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Directory.Delete(dir, recursive: true);
        lines.Add("## Speed (2000 images, 64 px, all cores)");
        lines.Add("");
        lines.Add("| what | wall s | images/s (wall) | CPU ms / image |");
        lines.Add("|---|---|---|---|");
        lines.Add($"| render in memory | {renderS:F1} | {2000 / renderS:F0} | {renderCpu * 1000 / 2000:F2} |");
        lines.Add($"| render + PNG folder | {summary.Elapsed.TotalSeconds:F1} | {summary.ImagesPerSecond:F0} | {diskCpu * 1000 / 2000:F2} |");
        lines.Add("");
        Console.WriteLine(string.Join('\n', lines));

        if (!File.Exists(model))
        {
            Console.WriteLine($"{model} not found: skipping the MobileFaceNet check");
        }
        else
        {
            lines.Add("## MobileFaceNet verification (200 identities × 4 images, 64 px resized to 112; all same pairs, as many random different pairs, best threshold)");
            lines.Add("");
            lines.Add("| nuisance strength | same pairs | mean cos same | mean cos diff | best accuracy | AUC |");
            lines.Add("|---|---|---|---|---|---|");
            var groupLines = new List<string>();
            foreach (var s in strengths)
            {
                var faces = ProceduralDataset.Render(new ProceduralDatasetOptions
                {
                    Identities = 200, ImagesPerIdentity = 4, Size = 64, Seed = 2024, Nuisance = new NuisanceOptions { Strength = s },
                });
                var images = faces.SelectMany(f => f.Images).ToList();
                var labels = faces.SelectMany((f, i) => Enumerable.Repeat(i, f.Images.Length)).ToList();
                var emb = ReferenceVerification.Embed(model, images);
                var r = ReferenceVerification.Evaluate(emb, labels);
                var line = $"| {s:F2} | {r.SamePairs} | {r.MeanSame:F3} | {r.MeanDifferent:F3} | {r.BestAccuracy:P1} | {r.Auc:F3} |";
                lines.Add(line);
                Console.WriteLine(line);
                // Per group (pairs within the group only), as RFW reports per race.
                var perGroup = new List<string>();
                foreach (var g in new[] { "A", "B", "C", "D" })
                {
                    var idx = Enumerable.Range(0, images.Count).Where(i => faces[labels[i]].Identity.Group == g).ToList();
                    var rg = ReferenceVerification.Evaluate(idx.Select(i => emb[i]).ToList(), idx.Select(i => labels[i]).ToList());
                    perGroup.Add($"{rg.BestAccuracy:P1}");
                }
                groupLines.Add($"| {s:F2} | {string.Join(" | ", perGroup)} |");
            }
            lines.Add("");
            lines.Add("Per group (50 identities each, pairs within the group, best threshold per group):");
            lines.Add("");
            lines.Add("| nuisance strength | A | B | C | D |");
            lines.Add("|---|---|---|---|---|");
            lines.AddRange(groupLines);
            lines.Add("");
            Console.WriteLine(string.Join('\n', groupLines));
        }
        Directory.CreateDirectory(Path.Combine("bench", "results"));
        File.WriteAllLines(Path.Combine("bench", "results", "procedural-faces.md"), lines);
        return 0;
    }
}
