using System.Buffers.Binary;

namespace FaceBoost.Interop;

/// <summary>Writes data-only pickles at protocol 4 the way CPython's `pickle.dump` lays them out:
/// PROTO 4, then 64 KiB FRAMEs (frames under 4 bytes go unframed), bytes objects of 64 KiB or more
/// written outside frames, a MEMOIZE after every list, tuple and bytes. Supported values: byte[],
/// bool, <see cref="IReadOnlyList{T}"/> of those (as a list) and <see cref="PickleTuple"/>.</summary>
public sealed class PickleWriter
{
    private const int FrameTarget = 64 * 1024;
    private const int BatchSize = 1000;
    private readonly Stream _out;
    private readonly MemoryStream _frame = new();

    private PickleWriter(Stream output) => _out = output;

    public static void Dump(object value, Stream output)
    {
        var w = new PickleWriter(output);
        output.Write([0x80, 4]);
        w.Save(value);
        w._frame.WriteByte(0x2e); // STOP
        w.CommitFrame(force: true);
    }

    public static byte[] Dumps(object value)
    {
        var ms = new MemoryStream();
        Dump(value, ms);
        return ms.ToArray();
    }

    private void Save(object? value)
    {
        CommitFrame(force: false);
        switch (value)
        {
            case bool b: _frame.WriteByte(b ? (byte)0x88 : (byte)0x89); break;
            case byte[] bytes: SaveBytes(bytes); break;
            case PickleTuple t: SaveTuple(t.Items); break;
            case System.Collections.IList list: SaveList(list); break;
            default: throw new ArgumentException($"cannot pickle {value?.GetType().Name ?? "null"} (data-only writer)");
        }
    }

    private void SaveBytes(byte[] b)
    {
        Span<byte> head = stackalloc byte[5];
        if (b.Length <= 0xff)
        {
            _frame.WriteByte(0x43); // SHORT_BINBYTES
            _frame.WriteByte((byte)b.Length);
            _frame.Write(b);
        }
        else
        {
            head[0] = 0x42; // BINBYTES
            BinaryPrimitives.WriteUInt32LittleEndian(head[1..], (uint)b.Length);
            if (b.Length >= FrameTarget)
            {
                // CPython writes large payloads outside frames (no copy into the frame buffer).
                CommitFrame(force: true);
                _out.Write(head);
                _out.Write(b);
            }
            else { _frame.Write(head); _frame.Write(b); }
        }
        _frame.WriteByte(0x94); // MEMOIZE
    }

    private void SaveList(System.Collections.IList list)
    {
        _frame.WriteByte(0x5d); // EMPTY_LIST
        _frame.WriteByte(0x94);
        for (int start = 0; start < list.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, list.Count - start);
            if (n == 1) { Save(list[start]); _frame.WriteByte(0x61); continue; } // APPEND
            _frame.WriteByte(0x28); // MARK
            for (int i = start; i < start + n; i++) Save(list[i]);
            _frame.WriteByte(0x65); // APPENDS
        }
    }

    private void SaveTuple(IReadOnlyList<object?> items)
    {
        if (items.Count == 0) { _frame.WriteByte(0x29); return; } // EMPTY_TUPLE (not memoized)
        if (items.Count <= 3)
        {
            foreach (var it in items) Save(it);
            _frame.WriteByte((byte)(0x84 + items.Count)); // TUPLE1/2/3
        }
        else
        {
            _frame.WriteByte(0x28);
            foreach (var it in items) Save(it);
            _frame.WriteByte(0x74); // TUPLE
        }
        _frame.WriteByte(0x94);
    }

    private void CommitFrame(bool force)
    {
        if (_frame.Length == 0 || (!force && _frame.Length < FrameTarget)) return;
        if (_frame.Length >= 4)
        {
            Span<byte> head = stackalloc byte[9];
            head[0] = 0x95;
            BinaryPrimitives.WriteUInt64LittleEndian(head[1..], (ulong)_frame.Length);
            _out.Write(head);
        }
        _out.Write(_frame.GetBuffer().AsSpan(0, (int)_frame.Length));
        _frame.SetLength(0);
    }
}
