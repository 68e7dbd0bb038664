using System.Buffers.Binary;

namespace FaceBoost.Interop;

/// <summary>MXNet's image-record header (`mx.recordio.IRHeader`, struct "IfQQ", 24 bytes LE).
/// With Flag == 0 the label is the single float <see cref="Label"/>; with Flag &gt; 0 the header is followed
/// by Flag float32 labels (<see cref="Labels"/>) before the payload — insightface uses that for the
/// header record (identity range) and the identity records (image range).</summary>
public sealed record IrHeader(uint Flag, float Label, ulong Id, ulong Id2, float[] Labels)
{
    public const int Size = 24;

    public static IrHeader Scalar(float label, ulong id, ulong id2 = 0) => new(0, label, id, id2, []);
    public static IrHeader Vector(float[] labels, ulong id, ulong id2 = 0) => new((uint)labels.Length, 0f, id, id2, labels);

    /// <summary>`mx.recordio.pack`: header, then the label floats when Flag &gt; 0, then the payload.</summary>
    public byte[] Pack(ReadOnlySpan<byte> payload)
    {
        int extra = (int)Flag * 4;
        var buf = new byte[Size + extra + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(buf, Flag);
        BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4), Flag > 0 ? 0f : Label);
        BinaryPrimitives.WriteUInt64LittleEndian(buf.AsSpan(8), Id);
        BinaryPrimitives.WriteUInt64LittleEndian(buf.AsSpan(16), Id2);
        for (int i = 0; i < Flag; i++) BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(Size + 4 * i), Labels[i]);
        payload.CopyTo(buf.AsSpan(Size + extra));
        return buf;
    }

    /// <summary>`mx.recordio.unpack`; returns the header and the offset of the payload in <paramref name="record"/>.</summary>
    public static (IrHeader Header, int PayloadOffset) Unpack(ReadOnlySpan<byte> record, string source)
    {
        if (record.Length < Size)
            throw new RecordIoException(source, -1, $"record of {record.Length} bytes is shorter than the 24-byte IRHeader");
        uint flag = BinaryPrimitives.ReadUInt32LittleEndian(record);
        float label = BinaryPrimitives.ReadSingleLittleEndian(record[4..]);
        ulong id = BinaryPrimitives.ReadUInt64LittleEndian(record[8..]);
        ulong id2 = BinaryPrimitives.ReadUInt64LittleEndian(record[16..]);
        if (flag > (record.Length - Size) / 4)
            throw new RecordIoException(source, -1, $"IRHeader flag {flag} announces more label floats than the {record.Length}-byte record holds");
        var labels = new float[flag];
        for (int i = 0; i < flag; i++) labels[i] = BinaryPrimitives.ReadSingleLittleEndian(record[(Size + 4 * i)..]);
        return (new IrHeader(flag, label, id, id2, labels), Size + (int)flag * 4);
    }

    /// <summary>The class label as insightface reads it: the scalar, or the first float of a vector label.</summary>
    public float PrimaryLabel => Flag > 0 ? Labels[0] : Label;
}
