using System.Buffers.Binary;
using System.Text;

namespace FaceBoost.Interop;

/// <summary>Minimal protobuf wire-format writer (varint, 32-bit, length-delimited fields), enough to
/// emit ONNX's ModelProto without generated classes. Nested messages are built in their own writer
/// and embedded with <see cref="Message"/>.</summary>
public sealed class ProtobufWriter
{
    private readonly MemoryStream _buf = new();

    public byte[] ToArray() => _buf.ToArray();
    public long Length => _buf.Length;

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong v)
    {
        while (v >= 0x80) { _buf.WriteByte((byte)(v | 0x80)); v >>= 7; }
        _buf.WriteByte((byte)v);
    }

    public ProtobufWriter Int64(int field, long v) { Tag(field, 0); Varint((ulong)v); return this; }

    public ProtobufWriter Float(int field, float v)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, v);
        _buf.Write(b);
        return this;
    }

    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> data)
    {
        Tag(field, 2);
        Varint((ulong)data.Length);
        _buf.Write(data);
        return this;
    }

    public ProtobufWriter String(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));

    public ProtobufWriter Message(int field, ProtobufWriter inner) => Bytes(field, inner._buf.GetBuffer().AsSpan(0, (int)inner._buf.Length));

    /// <summary>A packed repeated int64 field.</summary>
    public ProtobufWriter PackedInt64(int field, IEnumerable<long> values)
    {
        var inner = new ProtobufWriter();
        foreach (var v in values) inner.Varint((ulong)v);
        return Bytes(field, inner._buf.GetBuffer().AsSpan(0, (int)inner._buf.Length));
    }
}
