using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FaceBoost.Interop;

/// <summary>Writes an MXNet indexed RecordIO pair the way `MXIndexedRecordIO.write_idx` does: each record
/// framed as dmlc-core's RecordIOWriter frames it (split at aligned magic words, zero-padded to 4 bytes)
/// and one "key\toffset\n" index line. The pair is written into a fresh generation folder and published on
/// <see cref="Complete"/> by <see cref="RecordPairPublisher"/> (one rename switches both files), so a kill at any
/// moment leaves the old pair or the new one, also for an .idx in another folder than the .rec.</summary>
public sealed class RecordIoWriter : IDisposable
{
    private readonly FileStream _rec;
    private readonly StreamWriter _idx;
    private readonly string _recTmp, _idxTmp;
    private readonly string _generation;
    private readonly HashSet<long> _keys = [];
    private bool _completed;

    public string RecPath { get; }
    public string IdxPath { get; }
    public int Count => _keys.Count;

    public RecordIoWriter(string recPath, string? idxPath = null)
    {
        RecPath = Path.GetFullPath(recPath);
        IdxPath = Path.GetFullPath(idxPath ?? Path.ChangeExtension(recPath, ".idx"));
        // Both files are written into one generation folder beside the .rec, so they need different names.
        if (Path.GetFileName(IdxPath) == Path.GetFileName(RecPath))
            throw new ArgumentException($"{IdxPath}: the .idx needs another file name than the .rec ({RecPath})");
        Directory.CreateDirectory(Path.GetDirectoryName(RecPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(IdxPath)!);
        _generation = RecordPairPublisher.NewGeneration(RecPath);
        _recTmp = Path.Combine(_generation, Path.GetFileName(RecPath));
        _idxTmp = Path.Combine(_generation, Path.GetFileName(IdxPath));
        _rec = new FileStream(_recTmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _idx = new StreamWriter(new FileStream(_idxTmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), new UTF8Encoding(false)) { NewLine = "\n" };
    }

    public void Write(long key, ReadOnlySpan<byte> record)
    {
        if (!_keys.Add(key)) throw new ArgumentException($"record key {key} written twice", nameof(key));
        long pos = _rec.Position;
        WriteFramed(_rec, record);
        _idx.Write(key.ToString(CultureInfo.InvariantCulture));
        _idx.Write('\t');
        _idx.Write(pos.ToString(CultureInfo.InvariantCulture));
        _idx.Write('\n');
    }

    /// <summary>Frames one record as dmlc::RecordIOWriter::WriteRecord does.</summary>
    public static void WriteFramed(Stream output, ReadOnlySpan<byte> data)
    {
        if (data.Length > RecordIoFraming.MaxPartLength)
            throw new ArgumentException($"RecordIO records must be < 2^29 bytes, got {data.Length}");
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(head, RecordIoFraming.Magic);
        int lowerAlign = data.Length & ~3;
        int dptr = 0;
        for (int i = 0; i < lowerAlign; i += 4)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[i..]) != RecordIoFraming.Magic) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(head[4..], RecordIoFraming.EncodeLRecord(dptr == 0 ? 1u : 2u, (uint)(i - dptr)));
            output.Write(head);
            output.Write(data[dptr..i]);
            dptr = i + 4;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], RecordIoFraming.EncodeLRecord(dptr != 0 ? 3u : 0u, (uint)(data.Length - dptr)));
        output.Write(head);
        output.Write(data[dptr..]);
        int pad = RecordIoFraming.Padded(data.Length) - data.Length;
        if (pad > 0) output.Write(stackalloc byte[pad]);
    }

    /// <summary>Flushes and renames the temporaries into place; without it the outputs are discarded.</summary>
    public void Complete()
    {
        _rec.Flush(true);
        _rec.Dispose();
        _idx.Flush();
        ((FileStream)_idx.BaseStream).Flush(flushToDisk: true);
        _idx.Dispose();
        RecordPairPublisher.Publish(_generation, RecPath, IdxPath);
        _completed = true;
    }

    public void Dispose()
    {
        if (_completed) return;
        _rec.Dispose();
        _idx.Dispose();
        File.Delete(_recTmp);
        File.Delete(_idxTmp);
        try { Directory.Delete(_generation, recursive: true); } catch (IOException) { }
    }
}
