using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using FaceBoost.Data;
using FaceBoost.Interop;
using FaceBoost.Runtime;

namespace FaceBoost.Tests.Evaluation;

/// <summary>Verification during `train` (--verify NAME=FILE, best.fbck) and TensorBoard event files.</summary>
public sealed class TrainingVerificationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-trainverify-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>A minimal TFRecord + Event reader: checks both CRCs of every record and returns
    /// (step, file_version, tag → simple_value) per event.</summary>
    internal static List<(long Step, string? Version, Dictionary<string, float> Values)> ReadEvents(string path)
    {
        var data = File.ReadAllBytes(path);
        var events = new List<(long, string?, Dictionary<string, float>)>();
        for (int off = 0; off < data.Length;)
        {
            var len = (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(off));
            Assert.Equal(TensorBoardWriter.MaskedCrc(data.AsSpan(off, 8)), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(off + 8)));
            var body = data.AsSpan(off + 12, len).ToArray();
            Assert.Equal(TensorBoardWriter.MaskedCrc(body), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(off + 12 + len)));
            off += 12 + len + 4;
            long step = 0; string? version = null; var values = new Dictionary<string, float>();
            foreach (var (field, wire, v, bytes) in Fields(body))
            {
                if (field == 2 && wire == 0) step = (long)v;
                else if (field == 3 && wire == 2) version = Encoding.UTF8.GetString(bytes!);
                else if (field == 5 && wire == 2)
                    foreach (var (vf, _, _, value) in Fields(bytes!))
                    {
                        if (vf != 1) continue;
                        string? tag = null; float simple = float.NaN;
                        foreach (var (f, w, x, b) in Fields(value!))
                        {
                            if (f == 1 && w == 2) tag = Encoding.UTF8.GetString(b!);
                            if (f == 2 && w == 5) simple = BitConverter.Int32BitsToSingle((int)x);
                        }
                        values[tag!] = simple;
                    }
            }
            events.Add((step, version, values));
        }
        return events;
    }

    private static IEnumerable<(int Field, int Wire, ulong Value, byte[]? Bytes)> Fields(byte[] msg)
    {
        int i = 0;
        ulong Varint() { ulong r = 0; int s = 0; while (true) { byte b = msg[i++]; r |= (ulong)(b & 0x7f) << s; if (b < 0x80) return r; s += 7; } }
        var list = new List<(int, int, ulong, byte[]?)>();
        while (i < msg.Length)
        {
            var key = Varint();
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: list.Add((field, wire, Varint(), null)); break;
                case 1: list.Add((field, wire, BinaryPrimitives.ReadUInt64LittleEndian(msg.AsSpan(i)), null)); i += 8; break;
                case 5: list.Add((field, wire, BinaryPrimitives.ReadUInt32LittleEndian(msg.AsSpan(i)), null)); i += 4; break;
                case 2: { int n = (int)Varint(); list.Add((field, wire, 0, msg.AsSpan(i, n).ToArray())); i += n; break; }
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
        return list;
    }

    [Fact]
    public void TensorBoardEventsReadBack()
    {
        string path;
        using (var w = new TensorBoardWriter(_dir))
        {
            w.Scalar("train/loss", 2.5, 1);
            w.Scalars(2, ("train/loss", 1.25), ("train/lr", 0.1), ("skipped", double.NaN));
            path = w.Path;
        }
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
        var ev = ReadEvents(path);
        Assert.Equal(3, ev.Count);
        Assert.Equal("brain.Event:2", ev[0].Version);
        Assert.Equal((1L, 2.5f), (ev[1].Step, ev[1].Values["train/loss"]));
        Assert.Equal(2L, ev[2].Step);
        Assert.Equal(0.1f, ev[2].Values["train/lr"]);
        Assert.False(ev[2].Values.ContainsKey("skipped"));
        // CRC-32C check value of "123456789".
        Assert.Equal(0xE3069283u, TensorBoardWriter.Crc32C("123456789"u8));
    }

    [SkippableFact]
    public void ShortTrainRunVerifiesKeepsBestAndWritesTensorBoard()
    {
        var orl = SharedData.Require("data", "orl");
        // orl.bin: 100 ORL pairs (50 genuine, 50 impostor, alternating so every fold has both) at 32 px.
        var pairs = new List<(string, string, bool)>();
        for (int k = 0; k < 50; k++)
        {
            int s = 1 + k % 40, t = 1 + (k + 7) % 40;
            pairs.Add((Path.Combine(orl, $"s{s}", $"{1 + k % 5}.pgm"), Path.Combine(orl, $"s{s}", $"{6 + k % 5}.pgm"), true));
            pairs.Add((Path.Combine(orl, $"s{s}", $"{1 + k % 10}.pgm"), Path.Combine(orl, $"s{t}", $"{1 + (k + 3) % 10}.pgm"), false));
        }
        var bin = Path.Combine(_dir, "orl.bin");
        BinVerificationSet.FromPairs(pairs, size: 32).Save(bin);

        var runDir = Path.Combine(_dir, "run");
        int rc = FaceBoost.Cli.Program.BuildRoot().Parse([
            "train", "--data", orl, "--backbone", "iresnet18", "--input-size", "32", "--width", "8", "--embedding-size", "32",
            "--epochs", "2", "--batch-size", "40", "--lr", "0.05", "--seed", "3", "--workers", "0", "--threads", "1",
            "--log-every", "5", "--run-dir", runDir, "--verify", $"orl={bin}", "--verify-every", "5", "--tensorboard"]).Invoke();
        Assert.Equal(0, rc);

        var lines = File.ReadAllLines(Path.Combine(runDir, "stats.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var verify = lines.Where(l => l["verify"] is not null).ToList();
        // 10 steps per epoch: steps 5, 10 (epoch end), 15, 20 (epoch end).
        Assert.Equal([5L, 10L, 15L, 20L], verify.Select(l => (long)l["step"]!));
        foreach (var v in verify)
        {
            Assert.InRange((double)v["verify"]!["orl"]!["acc"]!, 0.0, 1.0);
            Assert.Equal("orl", (string?)v["verify_best"]);
        }
        Assert.True((bool)verify[0]["best"]!);
        Assert.True(File.Exists(Path.Combine(runDir, "best.fbck")));

        var events = ReadEvents(Directory.GetFiles(runDir, "events.out.tfevents.*").Single());
        Assert.Equal("brain.Event:2", events[0].Version);
        Assert.Equal(4, events.Count(e => e.Values.ContainsKey("verify/orl/acc")));
        Assert.Contains(events, e => e.Values.ContainsKey("train/loss") && e.Values.ContainsKey("train/lr"));
        var accs = verify.Select(v => (float)(double)v["verify"]!["orl"]!["acc"]!).ToArray();
        Assert.Equal(accs, events.Where(e => e.Values.ContainsKey("verify/orl/acc")).Select(e => e.Values["verify/orl/acc"]).ToArray());
    }
}
