using System.Buffers.Binary;
using FaceBoost.Imaging;
using FaceBoost.Interop;

namespace FaceBoost.Tests.Interop;

public sealed class RecordIoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-rec-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Framing_pads_to_four_bytes_and_splits_at_aligned_magic()
    {
        var rec = Path.Combine(_dir, "a.rec");
        var payloads = new List<byte[]>
        {
            Array.Empty<byte>(),
            new byte[] { 1, 2, 3 },
            new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 },
            // Magic at aligned offsets 0 and 8: must come back intact via multi-part records.
            new byte[] { 0x0a, 0x23, 0xd7, 0xce, 9, 9, 9, 9, 0x0a, 0x23, 0xd7, 0xce, 7 },
            // Magic at an unaligned offset is left alone.
            new byte[] { 1, 0x0a, 0x23, 0xd7, 0xce, 2 },
        };
        using (var w = new RecordIoWriter(rec))
        {
            for (int i = 0; i < payloads.Count; i++) w.Write(i, payloads[i]);
            w.Complete();
        }
        var bytes = File.ReadAllBytes(rec);
        Assert.Equal(0, bytes.Length % 4);
        // Record 1: 8-byte head + 3 data + 1 pad.
        Assert.Equal(RecordIoFraming.Magic, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        // Record 3 (the one with magic inside) starts with cflag 1 and an empty first part.
        var idx = File.ReadAllLines(Path.ChangeExtension(rec, ".idx"));
        Assert.Equal(["0\t0", "1\t8", "2\t20", "3\t36", "4\t68"], idx);
        Assert.Equal(1u, RecordIoFraming.DecodeFlag(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40))));
        using var r = new RecordIoReader(rec);
        for (int i = 0; i < payloads.Count; i++) Assert.Equal(payloads[i], r.Read(i));
    }

    [Fact]
    public void IrHeader_packs_scalar_and_vector_labels_like_mxnet()
    {
        var s = IrHeader.Scalar(7f, 3).Pack([0xAB]);
        Assert.Equal(25, s.Length);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(s));
        Assert.Equal(7f, BinaryPrimitives.ReadSingleLittleEndian(s.AsSpan(4)));
        Assert.Equal(3ul, BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(8)));
        var v = IrHeader.Vector([5f, 9f], 0).Pack([]);
        Assert.Equal(32, v.Length);
        var (h, off) = IrHeader.Unpack(v, "x");
        Assert.Equal(2u, h.Flag);
        Assert.Equal([5f, 9f], h.Labels);
        Assert.Equal(32, off);
        Assert.Throws<RecordIoException>(() => IrHeader.Unpack(new byte[10], "x"));
        var lying = IrHeader.Scalar(0, 0).Pack([]);
        lying[0] = 200; // flag claims 200 floats
        Assert.Contains("flag 200", Assert.Throws<RecordIoException>(() => IrHeader.Unpack(lying, "x")).Message);
    }

    [SkippableFact]
    public void Orl_packs_and_reads_back_identical_labels_and_pixels()
    {
        var orl = SharedData.Require("data", "orl");
        var items = InsightfaceRecordPacker.ScanImageTree(orl);
        Assert.Equal(400, items.Count);
        var result = InsightfaceRecordPacker.Pack(items, _dir, new RecordPackOptions(Png: true));
        Assert.Equal((400, 40, 0), (result.Images, result.Classes, result.Skipped));
        Assert.Equal("40,112,92", File.ReadAllText(result.PropertyPath));

        using var ds = InsightfaceRecordDataset.Open(_dir);
        Assert.Equal(400, ds.Count);
        Assert.Equal(40, ds.NumClasses);
        Assert.Equal(40, ds.IdentityRanges.Count);
        Assert.All(ds.IdentityRanges, r => Assert.Equal(10, r.End - r.Start));
        var sorted = items.OrderBy(i => i.Label).ToList();
        var samples = ds.Samples().ToList();
        Assert.StartsWith("rec://", samples[17].Path);
        Assert.Equal(sorted[17].Label, samples[17].Label);
        Assert.Equal(ds.Decode(17).Pixels, ImageDecoder.Decode(samples[17].Path).Pixels);
        // As the data layer's FaceDataset, loaded through its FaceLoader-facing API.
        var fd = ds.ToFaceDataset();
        Assert.Equal((400, 40), (fd.Count, fd.IdentityCount));
        Assert.Equal(sorted[123].Label, fd.Samples[123].Label);
        Assert.True(fd.Validate(workers: 2).AllUsable);
        // Pixel equality after decode, in parallel (the reader is shared across threads).
        Parallel.For(0, ds.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            Assert.Equal(sorted[i].Label, ds.Labels[i]);
            var a = ImageDecoder.Decode(sorted[i].Path);
            var b = ds.Decode(i);
            Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
            // Same 8-bit values (the PGM and PNG decoders scale by 1/255 in different float orders).
            Assert.Equal(a.Pixels.Select(To8), b.Pixels.Select(To8));
        });
    }

    [SkippableFact]
    public void Packed_set_reads_identically_with_a_python_mxnet_recordio_reader()
    {
        Skip.If(Python.Exe is null, "python3 absent");
        var items = new List<PackItem>();
        var rng = new Random(2);
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 4; k++)
            {
                var img = new RgbImage(24, 20);
                for (int j = 0; j < img.Pixels.Length; j++) img.Pixels[j] = rng.Next(256) / 255f;
                var p = Path.Combine(_dir, "src", $"id{c}", $"{k}.png");
                Directory.CreateDirectory(Path.GetDirectoryName(p)!);
                ImageWriter.Save(img, p);
                items.Add(new PackItem(p, 2 - c)); // labels not in folder order
            }
        var outDir = Path.Combine(_dir, "out");
        InsightfaceRecordPacker.Pack(items, outDir);
        var lines = Python.Check($"{Path.Combine(Python.RepoRoot(), "bench", "pytorch", "recordio_ref.py")} {outDir}").Trim().Split('\n');
        Assert.Equal("header 13 16", lines[0]);
        using var ds = InsightfaceRecordDataset.Open(outDir);
        Assert.Equal(12, lines.Length - 1);
        for (int i = 0; i < ds.Count; i++)
        {
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(ds.ReadImageBytes(i)));
            Assert.Equal($"{ds.ImageKeys[i]} {ds.Labels[i]} {sha}", lines[i + 1]);
        }
    }

    private static int To8(float v) => (int)MathF.Round(v * 255f);

    [Fact]
    public void Truncated_or_corrupt_files_give_clear_errors()
    {
        var items = new List<PackItem>();
        for (int c = 0; c < 2; c++)
            for (int k = 0; k < 3; k++)
            {
                var img = new RgbImage(16, 16);
                for (int j = 0; j < img.Pixels.Length; j++) img.Pixels[j] = ((j * 7 + c * 31 + k * 13) % 255) / 255f;
                var p = Path.Combine(_dir, "src", $"id{c}", $"{k}.png");
                Directory.CreateDirectory(Path.GetDirectoryName(p)!);
                ImageWriter.Save(img, p);
                items.Add(new PackItem(p, c));
            }
        var outDir = Path.Combine(_dir, "out");
        var res = InsightfaceRecordPacker.Pack(items, outDir);
        using (var ok = InsightfaceRecordDataset.Open(outDir))
        {
            Assert.Equal(6, ok.Count);
            Assert.Equal([0, 0, 0, 1, 1, 1], ok.Labels);
            Assert.Equal([(1L, 4L), (4L, 7L)], ok.IdentityRanges);
        }
        var recBytes = File.ReadAllBytes(res.RecPath);
        var idxText = File.ReadAllText(res.IdxPath);

        // Truncated .rec: the index points past the end.
        File.WriteAllBytes(res.RecPath, recBytes[..(recBytes.Length / 2)]);
        var e1 = Assert.Throws<RecordIoException>(() => InsightfaceRecordDataset.Open(outDir));
        Assert.Contains("train", e1.Message);

        // Truncated in the middle of an image record: reading it says so.
        File.WriteAllBytes(res.RecPath, recBytes);
        var lines = idxText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        long off3 = long.Parse(lines[3].Split('\t')[1]);
        File.WriteAllBytes(res.RecPath, recBytes[..(int)(off3 + 40)]);
        File.WriteAllText(res.IdxPath, string.Join('\n', lines.Take(4)) + "\n");
        var e2 = Assert.Throws<RecordIoException>(() => { using var r = new RecordIoReader(res.RecPath); r.Read(3); });
        Assert.Contains("truncated", e2.Message);
        Assert.Equal(off3, e2.Offset);

        // Corrupt magic.
        var bad = (byte[])recBytes.Clone();
        bad[off3] ^= 0xFF;
        File.WriteAllBytes(res.RecPath, bad);
        File.WriteAllText(res.IdxPath, idxText);
        var e3 = Assert.Throws<RecordIoException>(() => { using var r = new RecordIoReader(res.RecPath); r.Read(3); });
        Assert.Contains("bad magic", e3.Message);

        // Garbage index line, and an unaligned offset.
        File.WriteAllBytes(res.RecPath, recBytes);
        File.WriteAllText(res.IdxPath, idxText + "seven\tx\n");
        Assert.Contains("line 10", Assert.Throws<RecordIoException>(() => new RecordIoReader(res.RecPath)).Message);
        File.WriteAllText(res.IdxPath, "0\t3\n");
        Assert.Contains("4-aligned", Assert.Throws<RecordIoException>(() => new RecordIoReader(res.RecPath)).Message);

        // Random byte flips never crash: either a RecordIoException, an ImageDecodeException, or data.
        var rng = new Random(1);
        File.WriteAllText(res.IdxPath, idxText);
        for (int t = 0; t < 50; t++)
        {
            var f = (byte[])recBytes.Clone();
            for (int k = 0; k < 4; k++) f[rng.Next(f.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(res.RecPath, f);
            try
            {
                using var ds = InsightfaceRecordDataset.Open(outDir);
                for (int i = 0; i < ds.Count; i++) ds.Decode(i);
            }
            catch (RecordIoException) { }
            catch (ImageDecodeException) { }
        }
    }
}
