using System.Text;
using FaceBoost.Evaluation;
using FaceBoost.Imaging;
using FaceBoost.Interop;

namespace FaceBoost.Tests.Interop;

public sealed class BinVerificationSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-bin-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    // Images of several sizes, one above the 64 KiB frame target, so framing paths are exercised.
    private static List<byte[]> SampleImages()
    {
        var rng = new Random(3);
        var list = new List<byte[]>();
        foreach (var n in new[] { 0, 5, 255, 256, 1000, 70_000, 12, 300 })
        {
            var b = new byte[n];
            rng.NextBytes(b);
            list.Add(b);
        }
        return list;
    }

    [SkippableFact]
    public void Reads_files_written_by_python_pickle_at_protocols_2_4_5_and_writes_protocol_4_like_python()
    {
        Skip.If(Python.Exe is null, "python3 absent");
        var images = SampleImages();
        var same = new List<bool> { true, false, true, false };
        var set = new BinVerificationSet(images, same);
        var ours = Path.Combine(_dir, "ours.bin");
        set.Save(ours);
        // Python reads ours, checks it, and writes the same content with its own pickle at 2, 4, 5.
        var script = $$"""
import pickle, hashlib
with open(r'{{ours}}', 'rb') as f: bins, issame = pickle.load(f)
print(len(bins), len(issame), [len(b) for b in bins], issame, hashlib.sha256(b''.join(bins)).hexdigest())
for p in (2, 4, 5):
    with open(r'{{_dir}}/py%d.bin' % p, 'wb') as f: pickle.dump((bins, issame), f, protocol=p)
""";
        var output = Python.Check("-", script);
        var expectHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(images.SelectMany(b => b).ToArray()));
        Assert.Equal($"8 4 [{string.Join(", ", images.Select(b => b.Length))}] [True, False, True, False] {expectHash}", output.Trim());
        foreach (var p in new[] { 2, 4, 5 })
        {
            var back = BinVerificationSet.Load(Path.Combine(_dir, $"py{p}.bin"));
            Assert.Equal(same, back.IsSame);
            for (int i = 0; i < images.Count; i++) Assert.Equal(images[i], back.Images[i]);
        }
        // Byte-identical to CPython's own protocol-4 output.
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "py4.bin")), File.ReadAllBytes(ours));
    }

    [Fact]
    public void Reads_python2_style_str_pickles()
    {
        // (['\xff\xd8', <300 bytes>], [True]) as Python 2's cPickle protocol 2 writes it (str → BINSTRING family).
        var ms = new MemoryStream();
        ms.Write([0x80, 2, 0x5d, 0x71, 0, 0x28, 0x55, 2, 0xff, 0xd8, 0x71, 1, 0x54]);
        ms.Write(BitConverter.GetBytes(300)); ms.Write(new byte[300]);
        ms.Write([0x71, 2, 0x65, 0x5d, 0x71, 3, 0x88, 0x61, 0x86, 0x71, 4, 0x2e]);
        var set = BinVerificationSet.Parse(ms.ToArray(), "py2.bin");
        Assert.Equal([true], set.IsSame);
        Assert.Equal(2, set.Images.Count);
        Assert.Equal(new byte[] { 0xff, 0xd8 }, set.Images[0]);
        Assert.Equal(300, set.Images[1].Length);
    }

    [Fact]
    public void Rejects_code_execution_truncation_and_huge_lengths_cleanly()
    {
        // os.system('echo hi') as a protocol-0 pickle: GLOBAL must be refused, never resolved.
        var evil = Encoding.ASCII.GetBytes("cos\nsystem\n(S'echo hi'\ntR.");
        var e = Assert.Throws<PickleException>(() => BinVerificationSet.Parse(evil, "evil.bin"));
        Assert.Contains("unsupported pickle opcode GLOBAL (os.system)", e.Message);
        Assert.Equal(0, e.Offset);
        // BUILD / dict opcodes are refused too.
        Assert.Contains("EMPTY_DICT", Assert.Throws<PickleException>(() => BinVerificationSet.Parse([0x80, 4, 0x7d, 0x2e], "d.bin")).Message);
        // Huge length: 2^40-byte BINBYTES8 is refused before allocating.
        var huge = new byte[] { 0x80, 4, 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, 0x2e };
        Assert.Contains("limit", Assert.Throws<PickleException>(() => BinVerificationSet.Parse(huge, "h.bin")).Message);
        // Truncation anywhere in a valid file gives a PickleException.
        var good = PickleWriter.Dumps(new PickleTuple([SampleImages(), new List<bool> { true, false, true, false }]));
        for (int n = 0; n < good.Length; n += 97)
            Assert.Throws<PickleException>(() => BinVerificationSet.Parse(good[..n], "t.bin"));
        // Random corruption: only PickleException (or a valid set) — never another exception.
        var rng = new Random(7);
        for (int t = 0; t < 2000; t++)
        {
            var f = (byte[])good.Clone();
            for (int k = 0; k < 3; k++) f[rng.Next(Math.Min(f.Length, 600))] = (byte)rng.Next(256);
            try { BinVerificationSet.Parse(f, "fuzz.bin"); }
            catch (PickleException) { }
        }
        // Wrong shape: 3 images for 1 pair.
        var odd = PickleWriter.Dumps(new PickleTuple([new List<byte[]> { new byte[1], new byte[1], new byte[1] }, new List<bool> { true }]));
        Assert.Contains("need 2 per pair", Assert.Throws<PickleException>(() => BinVerificationSet.Parse(odd, "o.bin")).Message);
    }

    [SkippableFact]
    public void Orl_pairs_round_trip_through_bin_and_extract()
    {
        var orl = SharedData.Require("data", "orl");
        var pairs = new List<(string, string, bool)>
        {
            (Path.Combine(orl, "s1", "1.pgm"), Path.Combine(orl, "s1", "2.pgm"), true),
            (Path.Combine(orl, "s1", "1.pgm"), Path.Combine(orl, "s2", "1.pgm"), false),
        };
        var set = BinVerificationSet.FromPairs(pairs, size: 112);
        var bin = Path.Combine(_dir, "orl.bin");
        set.Save(bin);
        var back = BinVerificationSet.Load(bin);
        Assert.Equal([true, false], back.IsSame);
        var (a, b) = back.DecodePair(0, bin);
        Assert.Equal((112, 112), (a.Width, b.Height));
        var extracted = back.ExtractTo(Path.Combine(_dir, "x"));
        Assert.Equal(2, extracted.Count);
        Assert.Equal(File.ReadAllBytes(extracted[1].PathB), back.Images[3]);
        Assert.Equal("images/000000.jpg\timages/000001.jpg\t1", File.ReadLines(Path.Combine(_dir, "x", "pairs.txt")).First());
    }

    [SkippableFact]
    public void Bin_set_evaluates_through_the_standard_protocol_with_an_onnx_model()
    {
        var orl = SharedData.Require("data", "orl");
        var model = SharedData.Require("models", "mobilefacenet-128d.onnx");
        var pairs = new List<(string, string, bool)>();
        for (int s = 1; s <= 40; s += 2) // 40 pairs (80 images) keeps this quick on 2 cores
        {
            pairs.Add((Path.Combine(orl, $"s{s}", "1.pgm"), Path.Combine(orl, $"s{s}", "6.pgm"), true));
            pairs.Add((Path.Combine(orl, $"s{s}", "2.pgm"), Path.Combine(orl, $"s{s % 40 + 1}", "7.pgm"), false));
        }
        var bin = Path.Combine(_dir, "orl.bin");
        BinVerificationSet.FromPairs(pairs, size: 112).Save(bin);
        var vp = BinVerificationSet.Load(bin).ToPairs(Path.Combine(_dir, "orl"), "orl");
        using var embedder = new OnnxFaceEmbedder(model, new EmbedderOptions { Threads = 2 });
        var report = VerificationEvaluator.Evaluate(embedder, vp);
        Console.WriteLine($"orl.bin via VerificationEvaluator (MobileFaceNet): {report.TotalPairs} pairs, 10-fold acc {report.Overall.KFold.Mean:F4}, AUC {report.Overall.Auc:F4}");
        Assert.Equal(40, report.TotalPairs);
        Assert.Empty(report.Excluded);
        // ORL crops are not insightface-aligned, but a real recognizer still separates most pairs
        // (measured: 10-fold 0.975, AUC 0.9975 on 240 pairs).
        Assert.True(report.Overall.Auc > 0.75, $"AUC {report.Overall.Auc}");
    }
}
