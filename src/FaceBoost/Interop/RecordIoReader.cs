using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace FaceBoost.Interop;

/// <summary>Random-access reader of an MXNet indexed RecordIO pair (`train.rec` + `train.idx`), like
/// `mx.recordio.MXIndexedRecordIO(idx, rec, 'r')`. Records are read on demand with positional reads,
/// so one reader can serve many threads at once. Corrupt or truncated data is a <see cref="RecordIoException"/>.</summary>
public sealed class RecordIoReader : IDisposable
{
    /// <summary>Largest record accepted (a face JPEG is tens of KB; this stops a corrupt length from allocating GBs).</summary>
    public const int MaxRecordBytes = 256 << 20;

    private readonly SafeFileHandle _handle;

    public string RecPath { get; }
    public string IdxPath { get; }
    public long Length { get; }
    public RecordIoIndex Index { get; }

    public RecordIoReader(string recPath, string? idxPath = null)
    {
        RecPath = recPath;
        IdxPath = idxPath ?? Path.ChangeExtension(recPath, ".idx");
        if (!File.Exists(recPath)) throw new RecordIoException(recPath, -1, "file not found");
        if (!File.Exists(IdxPath)) throw new RecordIoException(IdxPath, -1, "index file not found (random access needs the .idx beside the .rec)");
        _handle = File.OpenHandle(recPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = RandomAccess.GetLength(_handle);
        Index = RecordIoIndex.Load(IdxPath, Length);
    }

    public IReadOnlyList<long> Keys => Index.Keys;

    /// <summary>The raw record bytes (IRHeader + payload for image records) stored under <paramref name="key"/>.</summary>
    public byte[] Read(long key)
    {
        if (!Index.TryGetOffset(key, out var offset))
            throw new RecordIoException(IdxPath, -1, $"record key {key} is not in the index");
        return ReadAt(offset);
    }

    /// <summary>At least the first <paramref name="maxBytes"/> bytes of a record (all of it when shorter),
    /// reading only what is needed from a single-part record's head.</summary>
    public byte[] ReadPrefix(long key, int maxBytes)
    {
        if (!Index.TryGetOffset(key, out var offset))
            throw new RecordIoException(IdxPath, -1, $"record key {key} is not in the index");
        if (offset + 8 > Length) return ReadAt(offset); // reports the truncation
        Span<byte> head = stackalloc byte[8];
        ReadExactly(head, offset);
        uint lrec = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        int len = (int)RecordIoFraming.DecodeLength(lrec);
        if (BinaryPrimitives.ReadUInt32LittleEndian(head) != RecordIoFraming.Magic || len < maxBytes || offset + 8 + len > Length)
            return ReadAt(offset);
        var data = new byte[maxBytes];
        ReadExactly(data, offset + 8);
        return data;
    }

    /// <summary>Reads the (possibly multi-part) record that starts at <paramref name="offset"/>.</summary>
    public byte[] ReadAt(long offset)
    {
        var result = new MemoryStream();
        Span<byte> head = stackalloc byte[8];
        Span<byte> magicBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magicBytes, RecordIoFraming.Magic);
        long pos = offset;
        bool first = true;
        while (true)
        {
            if (pos + 8 > Length)
                throw new RecordIoException(RecPath, pos, pos == offset ? "record header lies past the end of the file" : "file ends inside a multi-part record (truncated)");
            ReadExactly(head, pos);
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(head);
            if (magic != RecordIoFraming.Magic)
                throw new RecordIoException(RecPath, pos, $"bad magic 0x{magic:x8} (expected 0x{RecordIoFraming.Magic:x8}); the .idx offset or the .rec is corrupt");
            uint lrec = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            uint cflag = RecordIoFraming.DecodeFlag(lrec);
            int len = (int)RecordIoFraming.DecodeLength(lrec);
            bool expected = first ? cflag is 0 or 1 : cflag is 2 or 3;
            if (!expected)
                throw new RecordIoException(RecPath, pos, $"continuation flag {cflag} where a {(first ? "record start (0/1)" : "continuation (2/3)")} was expected");
            if (pos + 8 + len > Length)
                throw new RecordIoException(RecPath, pos, $"record part of {len} bytes runs past the end of the {Length}-byte file (truncated)");
            if (result.Length + len + 4 > MaxRecordBytes)
                throw new RecordIoException(RecPath, pos, $"record exceeds {MaxRecordBytes} bytes");
            var data = new byte[len];
            ReadExactly(data, pos + 8);
            result.Write(data);
            pos += 8 + RecordIoFraming.Padded(len);
            if (cflag is 0 or 3) break;
            // The writer split the payload at an aligned copy of the magic and dropped it; put it back.
            result.Write(magicBytes);
            first = false;
        }
        return result.ToArray();
    }

    private void ReadExactly(Span<byte> buffer, long pos)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[done..], pos + done);
            if (n <= 0) throw new RecordIoException(RecPath, pos + done, "unexpected end of file (truncated)");
            done += n;
        }
    }

    public void Dispose() => _handle.Dispose();
}
