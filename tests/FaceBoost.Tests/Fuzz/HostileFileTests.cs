using System.Diagnostics;
using System.Text;
using FaceBoost.Data;
using FaceBoost.Experiments;
using FaceBoost.Imaging;
using FaceBoost.Interop;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Fuzz;

/// <summary>The hand-made hostile files in Fuzz/Hostile (written by make_hostile.py): size bombs, negative counts,
/// NUL paths, a pickle calling os.system, a .pth claiming billions of elements … Each must be rejected by its reader
/// with the documented exception type and a one-line message naming the file, in under 1 s and 100 MB, with the
/// default limits (ImageDecoder.MaxPixels = 64 MP).</summary>
public sealed class HostileFileTests(ITestOutputHelper output)
{
    private const long MaxBytes = 100L << 20;

    private static string HostileDir => Path.Combine(FaceBoost.Tests.Interop.Python.RepoRoot(), "tests", "FaceBoost.Tests", "Fuzz", "Hostile");

    /// <summary>The reader for a hostile file, by name, and the type it must throw.</summary>
    private static (Action Read, Type Expected) ReaderFor(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".recset", StringComparison.Ordinal))
            return (() =>
            {
                using var ds = InsightfaceRecordDataset.Open(path);
                for (int i = 0; i < ds.Count; i++) ds.ReadImageBytes(i);
            }, typeof(RecordIoException));
        return Path.GetExtension(name) switch
        {
            ".pgm" or ".ppm" or ".png" or ".jpg" => (() => ImageDecoder.Decode(path), typeof(ImageDecodeException)),
            ".bin" => (() => BinVerificationSet.Load(path), typeof(PickleException)),
            ".pth" => (() => TorchCheckpointFile.Load(path), typeof(InvalidDataException)),
            ".json" => (() => JsonConfig.Load<ExperimentConfig>(path), typeof(InvalidDataException)),
            ".txt" when name.StartsWith("pairs-", StringComparison.Ordinal) => (() => PairSets.ReadList(path), typeof(InvalidDataException)),
            ".txt" when name.StartsWith("list-", StringComparison.Ordinal) => (() => FaceDataset.FromListFile(path), typeof(InvalidDataException)),
            _ => throw new InvalidOperationException($"{name}: no reader registered for this hostile file"),
        };
    }

    /// <summary>The PGM size bombs are written at run time (not committed, so nothing in the repo looks like a
    /// copy of a PGM face set): headers that claim far more pixels than the file holds.</summary>
    private static IEnumerable<string> WritePgmBombs(string dir)
    {
        (string Name, string Header, int Zeros, byte Fill)[] bombs =
        [
            ("pgm-16384x16384-29-bytes.pgm", "P5\n16384 16384\n255\n", 10, 0),
            ("pgm-8000x8000-truncated.pgm", "P5 8000 8000 255\n", 64, 0x7f),
            ("pgm-negative-width.pgm", "P5 -64 64 255\n", 64, 0),
            ("pgm-maxval-zero.pgm", "P5 4 4 0\n", 16, 0),
            ("pgm-width-overflow.pgm", "P5 99999999999 2 255\n", 8, 0),
        ];
        foreach (var (name, header, count, fill) in bombs)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(header), .. Enumerable.Repeat(fill, count)]);
            yield return path;
        }
    }

    [Fact]
    public void Every_hostile_file_is_rejected_with_a_one_line_message_quickly_and_within_100_MB()
    {
        Assert.Equal(ImageDecoder.DefaultMaxPixels, ImageDecoder.MaxPixels);
        using var generated = new FaceBoost.Tests.Data.TempDir();
        var files = Directory.EnumerateFileSystemEntries(HostileDir).Concat(WritePgmBombs(generated.Path))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 35, $"only {files.Count} hostile files in {HostileDir} and {generated.Path}");
        var table = new StringBuilder();
        table.AppendLine($"{"file",-40} {"ms",6} {"alloc MB",9} {"RSS+ MB",8}  message");
        var failures = new List<string>();
        foreach (var path in files)
        {
            var (read, expected) = ReaderFor(path);
            GC.Collect();
            bool resets = ProcessMemory.ResetPeak();
            long rss0 = ProcessMemory.RssBytes;
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            Exception? caught = null;
            try { read(); } catch (Exception ex) { caught = ex; }
            sw.Stop();
            long alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
            long rss = resets ? Math.Max(0, ProcessMemory.PeakRssBytes - rss0) : 0;
            var name = Path.GetFileName(path);
            var message = caught?.Message ?? "(accepted)";
            table.AppendLine($"{name,-40} {sw.Elapsed.TotalMilliseconds,6:0} {alloc / 1048576.0,9:0.0} {rss / 1048576.0,8:0.0}  {message}");
            if (caught is null) failures.Add($"{name}: accepted");
            else if (caught.GetType() != expected) failures.Add($"{name}: {caught.GetType().Name} instead of {expected.Name}: {caught.Message}");
            else if (message.Contains('\n') || message.Contains('\r')) failures.Add($"{name}: message spans lines: {message}");
            else if (!message.Contains(name, StringComparison.Ordinal) && !message.Contains(Path.GetFileName(Path.GetDirectoryName(path + "/x")!), StringComparison.Ordinal))
                failures.Add($"{name}: message does not name the file: {message}");
            if (sw.Elapsed > TimeSpan.FromSeconds(1)) failures.Add($"{name}: took {sw.Elapsed.TotalMilliseconds:0} ms");
            if (alloc > MaxBytes || rss > MaxBytes) failures.Add($"{name}: allocated {alloc >> 20} MB, RSS grew {rss >> 20} MB");
        }
        output.WriteLine(table.ToString());
        Console.WriteLine(table.ToString());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void A_pickle_calling_os_system_is_refused_before_anything_runs()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"fb-pwned-{Environment.ProcessId}");
        var pickle = Encoding.Latin1.GetBytes($"\u0080\u0002cos\nsystem\nX{(char)(6 + marker.Length)}\0\0\0touch {marker}\u0085R.");
        var ex = Assert.Throws<PickleException>(() => BinVerificationSet.Parse(pickle, "evil.bin"));
        Assert.Contains("GLOBAL (os.system)", ex.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void The_pixel_cap_is_configurable_and_checked_from_the_header()
    {
        var png = FaceBoost.Imaging.ImageWriter.Encode(new RgbImage(64, 48), png: true);
        long previous = ImageDecoder.MaxPixels;
        try
        {
            ImageDecoder.MaxPixels = 64 * 48 - 1;
            var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, "small-cap.png"));
            Assert.Contains("64x48", ex.Message);
            ImageDecoder.MaxPixels = 64 * 48;
            Assert.Equal(64, ImageDecoder.Decode(png, "exact-cap.png").Width);
        }
        finally { ImageDecoder.MaxPixels = previous; }
    }
}
