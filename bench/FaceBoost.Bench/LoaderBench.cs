using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceBoost.Data;

namespace FaceBoost.Bench;

/// <summary>Decoded + augmented images per second through <see cref="FaceLoader"/> on the CelebA slice (whole
/// in-the-wild JPEGs): resize shorter side to 128, random crop 112, flip p = 0.5, batch 64, 1 and 2 workers.</summary>
public sealed class LoaderBench : IBenchmark
{
    public string Name => "loader";
    public string Description => "FaceLoader images/s at 112x112 on the CelebA slice, 1 and 2 workers";

    public int Run(string[] args)
    {
        var shared = Environment.GetEnvironmentVariable("FACEBOOST_SHARED") ?? FindShared();
        var list = shared == null ? null : Path.Combine(shared, "data", "celeba-dev", "identity.txt");
        if (list == null || !File.Exists(list)) { Console.WriteLine("loader: ../shared/data/celeba-dev is absent; nothing to measure"); return 0; }
        if (args.Length > 0 && args[0] == "profile") return Profile(FaceDataset.FromListFile(list));
        int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        var ds = FaceDataset.FromListFile(list);
        var transform = ImageTransform.Train(size: 112, resizeTo: 128, flip: 0.5);
        var md = new StringBuilder();
        md.AppendLine("# Loader benchmark").AppendLine()
          .AppendLine($"`dotnet run -c Release --project bench/FaceBoost.Bench -- loader {epochs}` — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, " +
                      $"{Environment.ProcessorCount} cores (shared with other jobs: figures are lower bounds).").AppendLine()
          .AppendLine($"CelebA in-the-wild slice: {ds.Count} JPEGs (whole photos, ~170–620 px), decode → resize shorter side 128 " +
                      "(antialiased bilinear; JPEGs decoded at the largest DCT scale 1/2–1/8 that keeps the shorter side ≥ 128) → random crop 112 → flip p=0.5 → normalise → N×3×112×112 float32 tensors, batch 64, " +
                      $"DropLast=false; {epochs} timed epochs after one warm-up epoch.").AppendLine()
          .AppendLine("| workers | prefetch | images | seconds | images/s |").AppendLine("|---:|---:|---:|---:|---:|");
        foreach (int workers in new[] { 1, 2 })
        {
            using var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 64, Workers: workers, Prefetch: 4, DropLast: false, Seed: 1), transform);
            Drain(loader, 0); // warm-up: JIT, file cache
            var sw = Stopwatch.StartNew();
            long images = 0;
            for (int e = 1; e <= epochs; e++) images += Drain(loader, e);
            double s = sw.Elapsed.TotalSeconds;
            var line = $"| {workers} | 4 | {images} | {s:0.00} | {images / s:0} |";
            Console.WriteLine(line);
            md.AppendLine(line);
            if (loader.SkippedFiles > 0) md.AppendLine($"\n({loader.SkippedFiles} files skipped)");
        }
        if (File.Exists("/proc/loadavg"))
            md.AppendLine().AppendLine($"Load average during the run (other helpers' jobs share the cores): {File.ReadAllText("/proc/loadavg").Trim()}");
        var outDir = Path.Combine(FindRepo() ?? ".", "bench", "results");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "loader.md"), md.ToString());
        Console.WriteLine($"wrote {Path.Combine(outDir, "loader.md")}");
        return 0;
    }

    /// <summary>Single-threaded split of the per-image cost: read, decode, augment.</summary>
    private static int Profile(FaceDataset ds)
    {
        var t = ImageTransform.Train();
        var files = ds.Samples.Take(100).Select(s => s.Path).ToArray();
        var sw = Stopwatch.StartNew();
        var bytes = files.Select(File.ReadAllBytes).ToArray();
        double read = sw.Elapsed.TotalMilliseconds; sw.Restart();
        var imgs = bytes.Select((b, i) => Imaging.ImageDecoder.Decode(b, files[i], t.MinDecodeSide)).ToArray();
        double decode = sw.Elapsed.TotalMilliseconds; sw.Restart();
        for (int i = 0; i < imgs.Length; i++) t.Apply(imgs[i], 1, 0, i);
        double aug = sw.Elapsed.TotalMilliseconds;
        using (var loader = new FaceLoader(ds, new LoaderOptions(BatchSize: 32, Workers: 2, Seed: 1), t))
        using (var first = loader.Epoch(0).First())
        {
            // Outside the repo: these are real people's photos and must not be committed.
            var grid = Path.Combine(Path.GetTempPath(), "faceboost-loader-batch.png");
            Imaging.ImageGrid.SavePng(first.Images, grid, columns: 8);
            Console.WriteLine($"first training batch: {grid}");
        }
        Console.WriteLine($"per image: read {read / files.Length:0.00} ms, decode {decode / files.Length:0.00} ms, augment {aug / files.Length:0.00} ms");
        return 0;
    }

    private static long Drain(FaceLoader loader, int epoch)
    {
        long n = 0;
        foreach (var b in loader.Epoch(epoch)) using (b) n += b.Count;
        return n;
    }

    private static string? FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return d.FullName;
        return null;
    }

    private static string? FindShared()
    {
        var repo = FindRepo();
        var p = repo == null ? null : Path.Combine(Path.GetDirectoryName(repo)!, "shared");
        return p != null && Directory.Exists(Path.Combine(p, "data")) ? p : null;
    }
}
