using System.Buffers.Binary;
using System.Text;

namespace FaceBoost.Runtime;

/// <summary>Writes TensorBoard event files (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;</c>) with scalar summaries,
/// readable by TensorBoard and <c>tensorboard --inspect</c>, without TensorFlow. Each record is TFRecord-framed
/// (uint64 length, masked CRC32C of the length, the bytes, masked CRC32C of the bytes) and holds a protobuf
/// <c>Event</c>: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string; the first event says
/// "brain.Event:2"), summary = 5 (<c>Summary { repeated Value value = 1 { string tag = 1; float simple_value = 2 } }</c>).
/// Records are flushed as written, so a crashed run keeps its curves.</summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly object _gate = new();

    public string Path { get; }

    public TensorBoardWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}.faceboost");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var e = new Proto();
        e.Double(1, now.ToUnixTimeMilliseconds() / 1000.0);
        e.String(3, "brain.Event:2");
        WriteRecord(e.ToArray());
    }

    /// <summary>One scalar at a step (e.g. "train/loss").</summary>
    public void Scalar(string tag, double value, long step) => Scalars(step, (tag, value));

    /// <summary>Several scalars of one step in one event.</summary>
    public void Scalars(long step, params (string Tag, double Value)[] values)
    {
        var summary = new Proto();
        foreach (var (tag, v) in values)
        {
            if (!double.IsFinite(v)) continue; // TensorBoard plots NaN as a gap anyway; skip it
            var value = new Proto();
            value.String(1, tag);
            value.Float(2, (float)v);
            summary.Message(1, value);
        }
        var e = new Proto();
        e.Double(1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        e.Int64(2, step);
        e.Message(5, summary);
        WriteRecord(e.ToArray());
    }

    private void WriteRecord(byte[] data)
    {
        lock (_gate)
        {
            Span<byte> head = stackalloc byte[12];
            BinaryPrimitives.WriteUInt64LittleEndian(head, (ulong)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(head[8..], MaskedCrc(head[..8]));
            Span<byte> tail = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(tail, MaskedCrc(data));
            _file.Write(head);
            _file.Write(data);
            _file.Write(tail);
            _file.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate) _file.Dispose();
    }

    /// <summary>TFRecord's masked CRC32C: rotate right by 15, add 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    /// <summary>CRC-32C (Castagnoli), as TFRecord uses.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>The few protobuf wire-format fields an Event needs.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _buf = new();
        public byte[] ToArray() => _buf.ToArray();
        private void Varint(ulong v)
        {
            while (v >= 0x80) { _buf.WriteByte((byte)(v | 0x80)); v >>= 7; }
            _buf.WriteByte((byte)v);
        }
        private void Tag(int field, int wire) => Varint((ulong)((field << 3) | wire));
        public void Int64(int field, long v) { Tag(field, 0); Varint((ulong)v); }
        public void Double(int field, double v)
        {
            Tag(field, 1);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(b, v);
            _buf.Write(b);
        }
        public void Float(int field, float v)
        {
            Tag(field, 5);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            _buf.Write(b);
        }
        public void Bytes(int field, ReadOnlySpan<byte> v) { Tag(field, 2); Varint((ulong)v.Length); _buf.Write(v); }
        public void String(int field, string v) => Bytes(field, Encoding.UTF8.GetBytes(v));
        public void Message(int field, Proto m) => Bytes(field, m.ToArray());
    }
}
