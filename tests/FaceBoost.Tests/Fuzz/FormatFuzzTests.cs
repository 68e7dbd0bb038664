using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FaceBoost.Data;
using FaceBoost.Experiments;
using FaceBoost.Imaging;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;
using SkiaSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Fuzz;

/// <summary>Mutation fuzzing of every reader FaceBoost exposes to files: each mutated input must be accepted or rejected
/// with the reader's documented exception type, and no input may allocate more than <see cref="MaxAllocatedPerInput"/>
/// (managed allocations on the reading thread) or grow the process's peak RSS by more than <see cref="MaxRssGrowth"/>.
/// Images are fuzzed under a 1 MP pixel cap (ImageDecoder.MaxPixels is configurable; the default is checked by the
/// hostile files), which bounds what a forged header can make a decoder allocate.</summary>
public sealed class FormatFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const long MaxAllocatedPerInput = 64L << 20;
    private const long MaxRssGrowth = 256L << 20;
    private const long FuzzPixelCap = 1L << 20;
    /// <summary>Multiplies every format's input count (×3 = 37,200 inputs, about 30 s in-process; the checkpoint kinds build their networks).</summary>
    private const int Scale = 3;

    private readonly string _dir = Directory.CreateTempSubdirectory("fb-fuzz-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private sealed record Target(string Format, int Count, IReadOnlyList<byte[]> Seeds, bool Text, Func<byte[], int> Run, Func<Exception, bool> Documented,
        Func<byte[], byte[]>? Reshape = null);

    [Fact]
    public void Every_mutated_input_is_accepted_or_rejected_with_the_documented_type_within_the_memory_bound()
    {
        var targets = Targets();
        var all = new List<FuzzStats>();
        long previousCap = ImageDecoder.MaxPixels;
        ImageDecoder.MaxPixels = FuzzPixelCap;
        try
        {
            int seed = 17;
            foreach (var t in targets) all.Add(Fuzz(t, seed++));
        }
        finally { ImageDecoder.MaxPixels = previousCap; }

        var sb = new StringBuilder();
        sb.AppendLine($"{"format",-22} {"inputs",7} {"accepted",9} {"rejected",9} {"other",6} {"peak alloc",11} {"peak RSS +",11} {"time",7}");
        foreach (var s in all)
            sb.AppendLine($"{s.Format,-22} {s.Total,7} {s.Accepted,9} {s.Rejected,9} {s.Other,6} {Mb(s.PeakAllocated),11} {Mb(s.PeakRssGrowth),11} {s.Elapsed.TotalSeconds,6:0.0}s");
        sb.AppendLine($"{"total",-22} {all.Sum(s => s.Total),7} {all.Sum(s => s.Accepted),9} {all.Sum(s => s.Rejected),9} {all.Sum(s => s.Other),6}");
        output.WriteLine(sb.ToString());
        Console.WriteLine(sb.ToString());

        Assert.True(all.Sum(s => s.Total) >= 30_000, $"only {all.Sum(s => s.Total)} inputs");
        foreach (var s in all)
        {
            Assert.True(s.Other == 0, $"{s.Format}: {s.Other} inputs ended in an undocumented exception, e.g.\n{string.Join("\n", s.OtherExamples)}");
            Assert.True(s.PeakAllocated <= MaxAllocatedPerInput, $"{s.Format}: one input allocated {Mb(s.PeakAllocated)}");
            Assert.True(s.PeakRssGrowth <= MaxRssGrowth, $"{s.Format}: peak RSS grew by {Mb(s.PeakRssGrowth)}");
            Assert.True(s.Accepted + s.Rejected == s.Total);
        }
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):0.0} MB";

    private FuzzStats Fuzz(Target t, int seed)
    {
        var stats = new FuzzStats(t.Format);
        var mutator = new Mutator(seed, t.Text);
        var rng = new Random(seed);
        var sw = Stopwatch.StartNew();
        GC.Collect();
        bool peakResets = ProcessMemory.ResetPeak();
        long rssBase = ProcessMemory.RssBytes;
        for (int i = 0; i < t.Count * Scale; i++)
        {
            var seedBytes = t.Seeds[rng.Next(t.Seeds.Count)];
            // Every 20th input is the seed itself, so acceptance of valid files is exercised too.
            var input = i % 20 == 0 ? seedBytes : mutator.Mutate(seedBytes);
            var what = i % 20 == 0 ? "seed" : mutator.Describe;
            if (t.Reshape is not null) input = t.Reshape(input);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                t.Run(input);
                stats.Accepted++;
            }
            catch (Exception ex) when (t.Documented(ex))
            {
                Assert.False(ex.Message.Contains('\n'), $"{t.Format} input {i} ({what}): a multi-line message: {ex.Message}");
                stats.Rejected++;
            }
            catch (Exception ex)
            {
                stats.Other++;
                if (stats.OtherExamples.Count < 5) stats.OtherExamples.Add($"  input {i} ({what}): {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace?.Split('\n').FirstOrDefault()}");
            }
            stats.PeakAllocated = Math.Max(stats.PeakAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        stats.PeakRssGrowth = peakResets ? Math.Max(0, ProcessMemory.PeakRssBytes - rssBase) : 0;
        stats.Elapsed = sw.Elapsed;
        return stats;
    }

    // ---------- targets ----------

    private List<Target> Targets()
    {
        bool IsImageError(Exception e) => e is ImageDecodeException;
        bool IsData(Exception e) => e.GetType() == typeof(InvalidDataException);
        int DecodeImage(byte[] b) => ImageDecoder.Decode(b, "fuzz").Width;

        var face = FaceLike(48, 40);
        var small = FaceLike(16, 16);
        var jpegs = new[] { FaceBoost.Imaging.ImageWriter.Encode(face, png: false, 90), FaceBoost.Imaging.ImageWriter.Encode(small, png: false, 60) };
        var pngs = new[] { FaceBoost.Imaging.ImageWriter.Encode(face, png: true), FaceBoost.Imaging.ImageWriter.Encode(small, png: true) };

        string FileFor(string name, byte[] bytes) { var p = Path.Combine(_dir, name); File.WriteAllBytes(p, bytes); return p; }

        // RecordIO: a small insightface set (header, 4 images, 2 identities) as .rec and .idx seeds.
        var recDir = Path.Combine(_dir, "rec-seed");
        using (var w = new RecordIoWriter(Path.Combine(recDir, "train.rec")))
        {
            w.Write(0, IrHeader.Vector([5, 7], 0).Pack([]));
            for (int k = 1; k <= 4; k++) w.Write(k, IrHeader.Scalar((k - 1) / 2, (ulong)k).Pack(jpegs[1]));
            w.Write(5, IrHeader.Vector([1, 3], 5).Pack([]));
            w.Write(6, IrHeader.Vector([3, 5], 6).Pack([]));
            w.Complete();
        }
        var recSeed = File.ReadAllBytes(Path.Combine(recDir, "train.rec"));
        var idxSeed = File.ReadAllBytes(Path.Combine(recDir, "train.idx"));
        var recFuzz = Path.Combine(_dir, "rec-fuzz");
        Directory.CreateDirectory(recFuzz);
        int ReadRecordSet(byte[] rec, byte[] idx)
        {
            File.WriteAllBytes(Path.Combine(recFuzz, "train.rec"), rec);
            File.WriteAllBytes(Path.Combine(recFuzz, "train.idx"), idx);
            using var ds = InsightfaceRecordDataset.Open(recFuzz);
            int total = 0;
            for (int i = 0; i < ds.Count; i++) total += ds.ReadImageBytes(i).Length;
            return total;
        }

        var binSeed = PickleWriter.Dumps(new PickleTuple([new List<object?> { jpegs[1], pngs[1], jpegs[1], jpegs[1] }, new List<object?> { true, false }]));

        var pthSeeds = new List<byte[]> { File.ReadAllBytes(Path.Combine(FaceBoost.Tests.Interop.Python.RepoRoot(), "tests", "FaceBoost.Tests", "Fuzz", "valid-tiny.pth.seed")), PyBridgeSeed() };

        var configSeed = File.ReadAllBytes(Path.Combine(FaceBoost.Tests.Interop.Python.RepoRoot(), "configs", "demo.json"));
        var pairsSeed = Encoding.UTF8.GetBytes("# pairs\nAnn/Ann_0001.jpg\tAnn/Ann_0002.jpg\t1\nAnn/Ann_0001.jpg\tBob/Bob_0003.jpg\t0\tgroupA\nx y.jpg\tz.jpg\t1\n");
        var lfwSeed = Encoding.UTF8.GetBytes("2\t2\nAnn\t1\t2\nBob\t1\t3\nAnn\t1\tBob\t2\nCid\t4\tBob\t1\n");
        var listSeed = Encoding.UTF8.GetBytes("img/000001.jpg 3\nimg/000002.jpg 3\nimg/with space.jpg 17\n# comment\nimg/000004.jpg 5\n");
        var groupsSeed = Encoding.UTF8.GetBytes("Ann A\nBob B\nCid A\n");
        var packPairsSeed = Encoding.UTF8.GetBytes("a.jpg b.jpg 1\nc.jpg d.jpg 0\n");

        // Checkpoints (.fbck): each kind is read the whole way a user's command reads it, network built and weights loaded.
        bool IsCheckpointError(Exception e) => e is CheckpointException;
        var (recognitionSeeds, encoderSeeds, ganSeeds) = CheckpointSeeds();
        int LoadRecognition(byte[] b) { using var m = RecognitionModel.Load(FileFor("r.fbck", b)); return m.EmbeddingSize; }
        int LoadEncoder(byte[] b)
        {
            using var ck = EncoderCheckpoint.Load(FileFor("e.fbck", b));
            using var e = ck.CreateEncoder();
            return ck.Info.Step;
        }
        int LoadGan(byte[] b) { using var g = GanCheckpoint.LoadGenerator(FileFor("g.fbck", b)); return g.Options.Resolution; }

        return
        [
            new("PNG", 1600, pngs, false, DecodeImage, IsImageError),
            new("JPEG", 1600, jpegs, false, DecodeImage, IsImageError),
            new("PGM (P5)", 700, [Pnm("P5", 48, 40, 255), Pnm("P5", 8, 8, 65535)], false, DecodeImage, IsImageError),
            new("PPM (P6)", 500, [Pnm("P6", 24, 20, 255)], false, DecodeImage, IsImageError),
            new("PGM/PPM ASCII (P2/P3)", 500, [Pnm("P2", 8, 6, 255), Pnm("P3", 6, 5, 1000)], true, DecodeImage, IsImageError),
            new("BMP", 600, [Bmp(24, 20)], false, DecodeImage, IsImageError),
            new("WebP", 400, [Webp(face)], false, DecodeImage, IsImageError),
            new(".bin (pickle)", 1200, [binSeed], false, b => BinVerificationSet.Parse(b, "fuzz.bin").PairCount, e => e is PickleException),
            new("RecordIO .rec", 700, [recSeed], false, b => ReadRecordSet(b, idxSeed), e => e is RecordIoException),
            new("RecordIO .idx", 300, [idxSeed], true, b => ReadRecordSet(recSeed, b), e => e is RecordIoException),
            new("JSON config", 1000, [configSeed], true, b => JsonConfig.Load<ExperimentConfig>(FileFor("config.json", b)).Seeds.Count, IsData),
            new("pairs (generic)", 400, [pairsSeed], true, b => PairSets.ReadList(FileFor("pairs.txt", b), "/data").Count, IsData),
            new("pairs (LFW)", 300, [lfwSeed], true, b => PairSets.ReadLfw(FileFor("lfw.txt", b), "/lfw").Count, IsData),
            new("pairs (pack-pairs)", 300, [packPairsSeed], true, b => PairSets.ReadList(FileFor("pp.txt", b), "/data").Count, IsData),
            new("list (labels)", 400, [listSeed], true, b => FaceDataset.FromListFile(FileFor("list.txt", b), _dir).Count, IsData),
            new("groups", 200, [groupsSeed], true, b => FaceDataset.ReadGroups(FileFor("groups.txt", b)).Count, IsData),
            new(".pth (raw bytes)", 300, pthSeeds, false, b => LoadPth(FileFor("w.pth", b)), IsData),
            new(".pth (PyBridge data.pkl)", 300, [DataPkl(pthSeeds[1])], false, b => LoadPth(FileFor("w.pth", b)), IsData,
                Reshape: pkl => WithDataPkl(pthSeeds[1], pkl)),
            new(".pth (torch data.pkl)", 200, [DataPkl(pthSeeds[0])], false, b => LoadPth(FileFor("w.pth", b)), IsData,
                Reshape: pkl => WithDataPkl(pthSeeds[0], pkl)),
            new(".fbck recognition", 300, recognitionSeeds, false, LoadRecognition, IsCheckpointError),
            new(".fbck encoder", 300, encoderSeeds, false, LoadEncoder, IsCheckpointError),
            new(".fbck GAN", 300, ganSeeds, false, LoadGan, IsCheckpointError),
        ];
    }

    /// <summary>Small valid checkpoints of each kind, written at run time through the trainers' own writers.</summary>
    private (List<byte[]> Recognition, List<byte[]> Encoder, List<byte[]> Gan) CheckpointSeeds()
    {
        manual_seed(5);
        byte[] Saved(string name, Action<string> write) { var p = Path.Combine(_dir, name); write(p); return File.ReadAllBytes(p); }
        var recognition = new List<byte[]>();
        foreach (var channels in new[] { 3, 6 })
        {
            var options = new BackboneOptions { Name = "iresnet18", InputSize = 32, BaseWidth = 4, EmbeddingSize = 8, InputChannels = channels };
            using var backbone = BackboneFactory.Create(options);
            using var head = randn(5, 8);
            using var avg = rand(3, 32, 32);
            var tensors = RecognitionCheckpoint.StateOf(backbone, "model.").Append(new("head.weight", head)).ToList();
            if (channels == 6) tensors.Add(new("average_image", avg));
            recognition.Add(Saved($"seed-rec-{channels}.fbck", p => RecognitionCheckpoint.Write(p,
                new CheckpointHeader { Backbone = options, NumClasses = 5, GlobalStep = 12, Epoch = 1 }, tensors)));
        }
        var encoderOptions = new PspEncoderOptions(18, "ir", 4, 32, 4, 8, StyleHead.Pool);
        using (var encoder = new PspEncoder(encoderOptions))
        using (var avg = rand(1, 3, 32, 32))
        using (var meanW = randn(8))
        {
            var encoderSeed = Saved("seed-enc.fbck", p => EncoderCheckpoint.Save(p, new EncoderCheckpointInfo(encoderOptions, 6, 0, 1, null, "ms-ssim", 6), encoder, avg, meanW));
            var gan = new List<byte[]>();
            foreach (var res in new[] { 8, 16 })
            {
                using var g = new StyleGenerator(new GeneratorOptions(res, 8, 8, 1, 64, 8));
                gan.Add(Saved($"seed-gan-{res}.fbck", p => GanCheckpoint.SaveGenerator(p, g)));
            }
            return (recognition, [encoderSeed], gan);
        }
    }

    private static int LoadPth(string path)
    {
        var tensors = TorchCheckpointFile.Load(path);
        foreach (var t in tensors.Values) t.Dispose();
        return tensors.Count;
    }

    // ---------- seeds ----------

    private static RgbImage FaceLike(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float dx = (x - w / 2f) / w, dy = (y - h / 2f) / h;
                float v = MathF.Max(0, 1 - 2.5f * (dx * dx + dy * dy) * 4);
                img[0, y, x] = 0.2f + 0.7f * v; img[1, y, x] = 0.15f + 0.5f * v; img[2, y, x] = 0.1f + 0.4f * v * (x % 7) / 7f;
            }
        return img;
    }

    private static byte[] Pnm(string magic, int w, int h, int maxval)
    {
        int channels = magic is "P3" or "P6" ? 3 : 1;
        var head = Encoding.ASCII.GetBytes($"{magic}\n# fuzz seed\n{w} {h}\n{maxval}\n");
        var body = new List<byte>();
        for (int i = 0; i < w * h * channels; i++)
        {
            int v = (i * 37) % (maxval + 1);
            if (magic is "P2" or "P3") body.AddRange(Encoding.ASCII.GetBytes(v + (i % 8 == 7 ? "\n" : " ")));
            else if (maxval < 256) body.Add((byte)v);
            else { body.Add((byte)(v >> 8)); body.Add((byte)v); }
        }
        return [.. head, .. body];
    }

    private static byte[] Bmp(int w, int h)
    {
        int row = (w * 3 + 3) & ~3, size = 54 + row * h;
        var b = new byte[size];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BitConverter.TryWriteBytes(b.AsSpan(2), size);
        BitConverter.TryWriteBytes(b.AsSpan(10), 54);
        BitConverter.TryWriteBytes(b.AsSpan(14), 40);
        BitConverter.TryWriteBytes(b.AsSpan(18), w);
        BitConverter.TryWriteBytes(b.AsSpan(22), h);
        BitConverter.TryWriteBytes(b.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(b.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(b.AsSpan(34), row * h);
        for (int i = 54; i < size; i++) b[i] = (byte)(i * 13);
        return b;
    }

    private static byte[] Webp(RgbImage img)
    {
        using var bmp = new SKBitmap(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                bmp.SetPixel(x, y, new SKColor((byte)(img[0, y, x] * 255), (byte)(img[1, y, x] * 255), (byte)(img[2, y, x] * 255)));
        using var data = bmp.Encode(SKEncodedImageFormat.Webp, 80);
        return data.ToArray();
    }

    private static byte[] PyBridgeSeed()
    {
        using var ms = new MemoryStream();
        using var w = arange(12, dtype: float32).reshape(3, 4);
        using var b = ones(3, dtype: float32);
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(ms, new Dictionary<string, Tensor> { ["fc.weight"] = w, ["fc.bias"] = b });
        return ms.ToArray();
    }

    private static byte[] DataPkl(byte[] pth)
    {
        using var zip = new ZipArchive(new MemoryStream(pth), ZipArchiveMode.Read);
        var e = zip.Entries.First(x => x.FullName.EndsWith("data.pkl", StringComparison.Ordinal));
        using var s = e.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The seed zip with its data.pkl replaced (valid zip framing and CRCs, so the pickle itself is what is fuzzed).</summary>
    private static byte[] WithDataPkl(byte[] pth, byte[] pkl)
    {
        using var src = new ZipArchive(new MemoryStream(pth), ZipArchiveMode.Read);
        using var ms = new MemoryStream();
        using (var dst = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in src.Entries)
            {
                var n = dst.CreateEntry(e.FullName, CompressionLevel.NoCompression);
                using var o = n.Open();
                if (e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)) o.Write(pkl);
                else { using var i = e.Open(); i.CopyTo(o); }
            }
        return ms.ToArray();
    }
}
