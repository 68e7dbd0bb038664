using System.Diagnostics;
using System.Text;
using FaceBoost.Faces;
using FaceBoost.Imaging;

namespace FaceBoost.Bench;

/// <summary>Photos per second for decode + YuNet detection + 5-point alignment on the CelebA slice,
/// with 1 and 2 workers (the `faceboost prepare` pipeline minus PNG writing, then with it).</summary>
public sealed class PrepareBench : IBenchmark
{
    public string Name => "prepare";
    public string Description => "photos/s of decode + YuNet detect + align (faceboost prepare) on ../shared CelebA; [photos=200]";

    public int Run(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 200;
        var shared = SharedData.Find();
        if (shared is null) { Console.Error.WriteLine("prepare bench: ../shared not found (set FACEBOOST_SHARED)"); return 2; }
        var model = Path.Combine(shared, "models", "yunet-face-detector.onnx");
        var celeba = Path.Combine(shared, "data", "celeba-dev");
        var items = PrepareInputs.FromListFile(Path.Combine(celeba, "identity.txt"), Path.Combine(celeba, "images")).Take(count).ToList();

        // Warm-up: session creation and first-run allocation are not per-photo costs.
        using (var d = new YuNetDetector(model)) d.Detect(ImageDecoder.Decode(items[0].SourcePath));

        var photos = items.Select(i => ImageDecoder.Decode(i.SourcePath)).ToList();
        double mpix = photos.Average(p => p.Width * (double)p.Height) / 1e6;
        var rows = new List<string>();

        // Stage timing on one thread: detection alone and alignment alone, photos already decoded.
        using (var det = new YuNetDetector(model))
        {
            var aligner = new FaceAligner();
            var cpu = Cpu();
            var sw = Stopwatch.StartNew();
            var faces = photos.Select(p => det.Detect(p).OrderByDescending(f => f.Area).FirstOrDefault()).ToList();
            double detS = sw.Elapsed.TotalSeconds, detCpu = Cpu() - cpu;
            cpu = Cpu();
            sw.Restart();
            int n = 0;
            for (int i = 0; i < photos.Count; i++)
                if (faces[i] is { } f && aligner.TryAlign(photos[i], f, out _) is not null) n++;
            double alignS = sw.Elapsed.TotalSeconds, alignCpu = Cpu() - cpu;
            rows.Add($"| YuNet detect only (decoded photos) | 1 | {photos.Count / detS:F1} | {1000 * detS / photos.Count:F1} | {1000 * detCpu / photos.Count:F1} |");
            rows.Add($"| align 112×112 only (similarity + warp) | 1 | {n / alignS:F0} | {1000 * alignS / n:F2} | {1000 * alignCpu / n:F2} |");
        }

        // Whole pipeline as `faceboost prepare` runs it: decode + detect + check + align + PNG write. One untimed pass
        // first: the first pass over these photos cost ~2× the CPU of later ones (measured; JIT tiering and ONNX
        // Runtime's per-input-shape work), which made whichever worker count ran first look slow.
        var warmDir = Path.Combine(Path.GetTempPath(), $"faceboost-prepare-bench-{Environment.ProcessId}-warm");
        try { new FacePreparer(new PrepareOptions(model, Workers: 2)).Run(items, warmDir); }
        finally { if (Directory.Exists(warmDir)) Directory.Delete(warmDir, recursive: true); }
        foreach (int workers in new[] { 1, 2 })
        {
            var outDir = Path.Combine(Path.GetTempPath(), $"faceboost-prepare-bench-{Environment.ProcessId}-{workers}");
            try
            {
                var cpu = Cpu();
                var sw = Stopwatch.StartNew();
                var summary = new FacePreparer(new PrepareOptions(model, Workers: workers)).Run(items, outDir);
                double s = sw.Elapsed.TotalSeconds, c = Cpu() - cpu;
                rows.Add($"| prepare: decode + detect + align + write PNG | {workers} | {items.Count / s:F1} | {1000 * s / items.Count:F1} | {1000 * c / items.Count:F1} |");
                Console.WriteLine($"workers={workers}: {summary.FacesWritten}/{items.Count} crops in {s:F1} s");
            }
            finally { if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); }
        }

        var md = new StringBuilder()
            .AppendLine("# prepare — face detection + alignment throughput")
            .AppendLine()
            .AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on this machine ({Environment.ProcessorCount} cores, shared with other jobs, so numbers are pessimistic), ")
            .AppendLine($"first {items.Count} photos of `../shared/data/celeba-dev` (in-the-wild JPEGs, mean {mpix:F2} MPix), YuNet input capped at 640 px, ONNX Runtime 1 thread per session.")
            .AppendLine($"Command: `dotnet run -c Release --project bench/FaceBoost.Bench -- prepare {count}`")
            .AppendLine()
            .AppendLine($"Load average when measured: {LoadAverage()} (other jobs share the cores: wall-clock photos/s is pessimistic; CPU ms/photo is the cost of the work itself).")
            .AppendLine()
            .AppendLine("| stage | workers | photos/s (wall) | wall ms/photo | CPU ms/photo |")
            .AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows) md.AppendLine(r);
        Console.Write(md);
        var results = Path.Combine(FindRepoRoot() ?? ".", "bench", "results");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "prepare.md"), md.ToString());
        return 0;
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static string? FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return d.FullName;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return d.FullName;
        return null;
    }
}
