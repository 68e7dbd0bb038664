using System.Text;
using FaceBoost.Runtime;
using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Training;

/// <summary>The one checkpoint container: exact round trip, and every damaged or hostile file rejected with
/// <see cref="CheckpointException"/> naming the file, without large allocations.</summary>
public sealed class CheckpointContainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-ckpt-").FullName;

    public CheckpointContainerTests() => TorchRuntime.Initialize(1);

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private sealed record Header(int Step, string Note, double Value);

    private string WriteSample(string name = "a.fbck")
    {
        manual_seed(5);
        var path = Path.Combine(_dir, name);
        using var f = randn(3, 4);
        using var d = randn(2, 2, 2, dtype: ScalarType.Float64);
        using var l = tensor(new long[] { 1, -2, long.MaxValue });
        using var b = tensor(new[] { true, false });
        using var h = randn(5).to(ScalarType.Float16);
        using var s = tensor(3.5f);
        using var e = zeros(0, 7);
        CheckpointFile.Write(path, "faceboost.test", new Header(7, "ünïcode", double.NaN),
            [new("G.w", f), new("D.w", d), new("optim.G.0/step", l), new("mask", b), new("half", h), new("scalar", s), new("empty", e)]);
        return path;
    }

    [Fact]
    public void RoundTripIsExact()
    {
        var path = WriteSample();
        using var again = CheckpointFile.Read(path, "faceboost.test");
        manual_seed(5);
        using var f = randn(3, 4);
        using var d = randn(2, 2, 2, dtype: ScalarType.Float64);
        Assert.Equal(f.bytes.ToArray(), again.Get("G.w").bytes.ToArray());
        Assert.Equal(d.bytes.ToArray(), again.Get("D.w").bytes.ToArray());
        Assert.Equal(ScalarType.Float64, again.Get("D.w").dtype);
        Assert.Equal(long.MaxValue, again.Get("optim.G.0/step")[2].item<long>());
        Assert.Equal(ScalarType.Bool, again.Get("mask").dtype);
        Assert.Equal(ScalarType.Float16, again.Get("half").dtype);
        Assert.Equal(0, again.Get("scalar").dim());
        Assert.Equal(new long[] { 0, 7 }, again.Get("empty").shape);
        var header = again.HeaderAs<Header>();
        Assert.Equal(7, header.Step);
        Assert.Equal("ünïcode", header.Note);
        Assert.True(double.IsNaN(header.Value));
        Assert.Equal("faceboost.test", again.Kind);
        Assert.Single(again.WithPrefix("G."));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void EveryTruncationIsRejectedWithTheOneExceptionType()
    {
        var bytes = File.ReadAllBytes(WriteSample());
        var cut = Path.Combine(_dir, "cut.fbck");
        for (var n = 0; n < bytes.Length; n++)
        {
            File.WriteAllBytes(cut, bytes.AsSpan(0, n).ToArray());
            var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(cut).Dispose());
            Assert.Contains(cut, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void SizeBombsAndBitFlipsAreRejectedBeforeAllocating()
    {
        var bytes = File.ReadAllBytes(WriteSample());
        var path = Path.Combine(_dir, "bad.fbck");
        var rng = new Random(11);
        var accepted = 0;
        for (var i = 0; i < 3000; i++)
        {
            var m = (byte[])bytes.Clone();
            if (i % 3 == 0) m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
            else
            {
                // Overwrite an aligned 4 or 8 byte field with a hostile value (count, rank, dims, lengths).
                var at = rng.Next(5, m.Length - 8);
                var value = new long[] { -1, int.MaxValue, long.MaxValue, 1L << 40, 0x7fff_ffff_ffffL, int.MinValue }[rng.Next(6)];
                BitConverter.GetBytes(value).AsSpan(0, i % 3 == 1 ? 4 : 8).CopyTo(m.AsSpan(at));
            }
            File.WriteAllBytes(path, m);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var c = CheckpointFile.Read(path);
                accepted++;
            }
            catch (CheckpointException e)
            {
                Assert.Contains(path, e.Message);
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 8 << 20, $"mutation {i} allocated {allocated} bytes");
        }
        Assert.True(accepted < 3000);
    }

    [Fact]
    public void HandMadeSizeBombIsRejected()
    {
        var path = Path.Combine(_dir, "bomb.fbck");
        using (var w = new BinaryWriter(File.Create(path), Encoding.UTF8))
        {
            w.Write(Encoding.ASCII.GetBytes("FBCK2"));
            w.Write("{\"kind\":\"faceboost.recognition\",\"format\":2}");
            w.Write(1);
            w.Write("model.w");
            w.Write((int)ScalarType.Float32);
            w.Write(2);
            w.Write(65536L); w.Write(65536L);
            w.Write(65536L * 65536 * 4);
        }
        var e = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));
        Assert.Contains("bomb.fbck", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RetiredFormatsGiveAOneLineWhatToDo()
    {
        var enc = Path.Combine(_dir, "checkpoint.fbenc");
        using (var zip = System.IO.Compression.ZipFile.Open(enc, System.IO.Compression.ZipArchiveMode.Create))
            zip.CreateEntry("meta.json");
        var e1 = Assert.Throws<CheckpointException>(() => EncoderCheckpoint.Load(enc));
        Assert.Contains(enc, e1.Message);
        Assert.Contains("retrain", e1.Message);

        var gan = Path.Combine(_dir, "checkpoint.fbgan");
        using (var w = new BinaryWriter(File.Create(gan), Encoding.UTF8)) { w.Write("FBGAN1"); w.Write("{}"); }
        var e2 = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(gan));
        Assert.Contains("retired .fbgan", e2.Message);
        Assert.DoesNotContain('\n', e1.Message + e2.Message);
    }

    [Fact]
    public void OldRecognitionArchivesStillLoad()
    {
        var path = Path.Combine(_dir, "old.fbck");
        using var t = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using (var w = new BinaryWriter(File.Create(path), Encoding.UTF8))
        {
            w.Write(Encoding.ASCII.GetBytes("FBTA1"));
            w.Write("{\"kind\":\"faceboost.recognition\",\"format\":1,\"global_step\":9}");
            w.Write(1);
            w.Write("model.w");
            w.Write((int)ScalarType.Float32);
            w.Write(2);
            w.Write(2L); w.Write(3L);
            w.Write(24L);
            w.Write(t.bytes.ToArray());
        }
        using var c = CheckpointFile.Read(path, RecognitionTrainer.Kind);
        Assert.True(c.Get("model.w").eq(t).all().item<bool>());
        Assert.Equal(9, c.HeaderAs<CheckpointHeader>().GlobalStep);
    }

    [Fact]
    public void WrongKindAndBadJsonAreCheckpointErrors()
    {
        var path = WriteSample();
        Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path, RecognitionTrainer.Kind));
        var bad = Path.Combine(_dir, "json.fbck");
        using (var w = new BinaryWriter(File.Create(bad), Encoding.UTF8))
        {
            w.Write(Encoding.ASCII.GetBytes("FBCK2"));
            w.Write("{\"kind\":\"faceboost.encoder\",\"encoder\":5}");
            w.Write(0);
        }
        Assert.Throws<CheckpointException>(() => EncoderCheckpoint.Load(bad));
        Assert.Throws<CheckpointException>(() => CheckpointFile.Read(Path.Combine(_dir, "missing.fbck")));
    }
}
