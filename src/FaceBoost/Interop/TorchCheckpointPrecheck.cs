using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FaceBoost.Interop;

/// <summary>Checks a `torch.save` zip before TorchSharp.PyBridge reads it, because PyBridge sizes its buffers from the
/// element counts in `data.pkl` without comparing them with the data stored. This walks the pickle's opcodes as inert
/// values (nothing is imported or called) and requires, for every storage it references: a known storage type, a
/// `data/KEY` entry holding exactly numel × element-size bytes that the file can really contain, and every
/// `_rebuild_tensor_v2(storage, offset, size, stride)` view to lie inside its storage. Any violation is an
/// <see cref="InvalidDataException"/> naming the file.</summary>
internal static class TorchCheckpointPrecheck
{
    public const long MaxPickleBytes = 64L << 20;
    private const int MaxItems = 10_000_000;
    // Deflate cannot expand data by more than ~1032:1, so a larger claimed size is a lie.
    private const long MaxDeflateRatio = 1100;

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = 4, ["DoubleStorage"] = 8, ["HalfStorage"] = 2, ["BFloat16Storage"] = 2, ["LongStorage"] = 8,
        ["IntStorage"] = 4, ["ShortStorage"] = 2, ["CharStorage"] = 1, ["ByteStorage"] = 1, ["BoolStorage"] = 1,
    };

    private sealed record Global(string Module, string Name);
    private sealed record Storage(string Key, long Numel);
    private sealed class Mark { public static readonly Mark Instance = new(); }
    private sealed class Opaque { public static readonly Opaque Instance = new(); }

    public static void Check(Stream zipStream, string path)
    {
        long fileLength = zipStream.Length;
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
        var pkl = zip.Entries.Where(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
            .OrderBy(e => e.FullName.Length).FirstOrDefault()
            ?? throw new InvalidDataException($"{path}: no data.pkl in the zip (not a torch.save checkpoint)");
        string prefix = pkl.FullName[..^"data.pkl".Length];
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var e in zip.Entries)
        {
            if (!PlausibleSize(e, fileLength))
                throw new InvalidDataException($"{path}: zip entry {e.FullName} claims {e.Length} bytes, more than the {fileLength}-byte file can hold");
            entries[e.FullName] = e;
        }
        if (pkl.Length > MaxPickleBytes) throw new InvalidDataException($"{path}: data.pkl of {pkl.Length} bytes exceeds {MaxPickleBytes}");
        byte[] data = ReadEntry(pkl, path);
        Scan(data, path, key =>
            entries.TryGetValue(prefix + "data/" + key, out var e) ? e.Length
                : throw new InvalidDataException($"{path}: data.pkl references storage '{Printable(key)}', which the zip does not hold"));
    }

    private static bool PlausibleSize(ZipArchiveEntry e, long fileLength) =>
        e.Length >= 0 && e.CompressedLength >= 0 && e.CompressedLength <= fileLength
        && (e.Length <= e.CompressedLength || e.Length <= e.CompressedLength * MaxDeflateRatio + 4096);

    private static byte[] ReadEntry(ZipArchiveEntry entry, string path)
    {
        using var s = entry.Open();
        var buffer = new byte[entry.Length];
        int n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (n != buffer.Length) throw new InvalidDataException($"{path}: {entry.FullName} is truncated ({n} of {entry.Length} bytes)");
        return buffer;
    }

    private static void Scan(byte[] d, string path, Func<string, long> storedBytes)
    {
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        int pos = 0, items = 0;
        InvalidDataException Fail(int at, string why) => new($"{path}: data.pkl @ {at}: {why}");
        void Need(int at, long n) { if (n < 0 || n > d.Length - pos) throw Fail(at, "truncated pickle"); }
        void Push(int at, object? v) { if (++items > MaxItems) throw Fail(at, "too many pickle objects"); stack.Add(v); }
        object? Pop(int at)
        {
            if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek())) throw Fail(at, "pickle stack underflow");
            var v = stack[^1]; stack.RemoveAt(stack.Count - 1); return v;
        }
        List<object?> PopMark(int at)
        {
            if (marks.Count == 0) throw Fail(at, "pickle MARK missing");
            int m = marks.Pop();
            var l = stack.GetRange(m, stack.Count - m); stack.RemoveRange(m, stack.Count - m); return l;
        }
        string Text(int at, long n) { Need(at, n); var s = Encoding.UTF8.GetString(d, pos, (int)n); pos += (int)n; return s; }
        void SkipBytes(int at, long n) { Need(at, n); pos += (int)n; Push(at, Opaque.Instance); }
        string Line(int at)
        {
            int end = Array.IndexOf(d, (byte)'\n', pos);
            if (end < 0 || end - pos > 4096) throw Fail(at, "malformed text opcode");
            var s = Encoding.ASCII.GetString(d, pos, end - pos); pos = end + 1; return s;
        }
        long Int(int at, object? v) => v is long l ? l : throw Fail(at, "expected an integer in a tensor description");
        List<long> Ints(int at, object? v) => v is List<object?> t ? t.Select(x => Int(at, x)).ToList() : throw Fail(at, "expected a tuple of integers in a tensor description");

        while (true)
        {
            int at = pos;
            if (pos >= d.Length) throw Fail(at, "pickle has no STOP");
            byte op = d[pos++];
            switch (op)
            {
                case 0x80: Need(at, 1); pos++; break; // PROTO
                case 0x95: Need(at, 8); pos += 8; break; // FRAME
                case 0x2e: return; // STOP
                case 0x28: marks.Push(stack.Count); break; // MARK
                case 0x30: Pop(at); break; // POP
                case 0x31: PopMark(at); break; // POP_MARK
                case 0x32: { var v = Pop(at); Push(at, v); Push(at, v); } break; // DUP
                case 0x7d: case 0x5d: case 0x8f: Push(at, Opaque.Instance); break; // EMPTY_DICT, EMPTY_LIST, EMPTY_SET
                case 0x29: Push(at, new List<object?>()); break; // EMPTY_TUPLE
                case 0x64: case 0x6c: case 0x91: PopMark(at); Push(at, Opaque.Instance); break; // DICT, LIST, FROZENSET
                case 0x74: Push(at, PopMark(at)); break; // TUPLE
                case 0x85: { var a = Pop(at); Push(at, new List<object?> { a }); } break;
                case 0x86: { var b = Pop(at); var a = Pop(at); Push(at, new List<object?> { a, b }); } break;
                case 0x87: { var c = Pop(at); var b = Pop(at); var a = Pop(at); Push(at, new List<object?> { a, b, c }); } break;
                case 0x4e: Push(at, null); break; // NONE
                case 0x88: case 0x89: Push(at, Opaque.Instance); break; // NEWTRUE, NEWFALSE
                case 0x4b: Need(at, 1); Push(at, (long)d[pos++]); break; // BININT1
                case 0x4d: Need(at, 2); Push(at, (long)BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(pos))); pos += 2; break;
                case 0x4a: Need(at, 4); Push(at, (long)BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(pos))); pos += 4; break;
                case 0x8a: // LONG1
                    {
                        Need(at, 1); int n = d[pos++]; Need(at, n);
                        long v = 0;
                        if (n > 8) { pos += n; Push(at, Opaque.Instance); break; }
                        for (int i = n - 1; i >= 0; i--) v = (v << 8) | d[pos + i];
                        if (n is > 0 and < 8 && (d[pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                        pos += n; Push(at, v);
                    }
                    break;
                case 0x8b: { Need(at, 4); long n = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(pos)); pos += 4; SkipBytes(at, n); } break; // LONG4
                case 0x47: Need(at, 8); pos += 8; Push(at, Opaque.Instance); break; // BINFLOAT
                case 0x49: case 0x4c: { var s = Line(at); Push(at, long.TryParse(s.TrimEnd('L'), out var v) ? v : Opaque.Instance); } break; // INT, LONG
                case 0x46: case 0x53: case 0x56: Line(at); Push(at, Opaque.Instance); break; // FLOAT, STRING, UNICODE
                case 0x58: { Need(at, 4); long n = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos)); pos += 4; Push(at, Text(at, n)); } break; // BINUNICODE
                case 0x8c: { Need(at, 1); int n = d[pos++]; Push(at, Text(at, n)); } break; // SHORT_BINUNICODE
                case 0x8d: { Need(at, 8); ulong n = BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(pos)); pos += 8; Push(at, Text(at, n > int.MaxValue ? -1 : (long)n)); } break;
                case 0x55: case 0x43: { Need(at, 1); int n = d[pos++]; Push(at, Text(at, n)); } break; // SHORT_BINSTRING, SHORT_BINBYTES
                case 0x54: case 0x42: { Need(at, 4); long n = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(pos)); pos += 4; Push(at, Text(at, n)); } break; // BINSTRING, BINBYTES
                case 0x8e: case 0x96: { Need(at, 8); ulong n = BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(pos)); pos += 8; SkipBytes(at, n > int.MaxValue ? -1 : (long)n); } break;
                case 0x63: { var m = Line(at); var n = Line(at); Push(at, new Global(m, n)); } break; // GLOBAL
                case 0x93: { var n = Pop(at); var m = Pop(at); Push(at, new Global(m as string ?? "?", n as string ?? "?")); } break; // STACK_GLOBAL
                case 0x94: if (stack.Count == 0) throw Fail(at, "MEMOIZE on an empty stack"); memo[memo.Count] = stack[^1]; break;
                case 0x71: Need(at, 1); if (stack.Count == 0) throw Fail(at, "PUT on an empty stack"); memo[d[pos++]] = stack[^1]; break;
                case 0x72: Need(at, 4); if (stack.Count == 0) throw Fail(at, "PUT on an empty stack"); memo[BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos))] = stack[^1]; pos += 4; break;
                case 0x70: { var s = Line(at); if (stack.Count == 0) throw Fail(at, "PUT on an empty stack"); memo[long.TryParse(s, out var k) ? k : -1] = stack[^1]; } break;
                case 0x68: Need(at, 1); Push(at, memo.TryGetValue(d[pos], out var g1) ? g1 : throw Fail(at, "undefined memo")); pos++; break;
                case 0x6a: { Need(at, 4); long k = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos)); pos += 4; Push(at, memo.TryGetValue(k, out var g) ? g : throw Fail(at, "undefined memo")); } break;
                case 0x67: { var s = Line(at); Push(at, memo.TryGetValue(long.TryParse(s, out var k) ? k : -1, out var g) ? g : throw Fail(at, "undefined memo")); } break;
                case 0x61: Pop(at); Peek(at); break; // APPEND
                case 0x65: case 0x75: case 0x90: PopMark(at); Peek(at); break; // APPENDS, SETITEMS, ADDITEMS
                case 0x73: Pop(at); Pop(at); Peek(at); break; // SETITEM
                case 0x62: Pop(at); Peek(at); break; // BUILD
                case 0x81: Pop(at); Pop(at); Push(at, Opaque.Instance); break; // NEWOBJ
                case 0x92: Pop(at); Pop(at); Pop(at); Push(at, Opaque.Instance); break; // NEWOBJ_EX
                case 0x51: Push(at, PersistentLoad(at, Pop(at))); break; // BINPERSID
                case 0x52: // REDUCE
                    {
                        var args = Pop(at); var f = Pop(at);
                        if (f is Global { Module: "torch._utils", Name: "_rebuild_tensor_v2" or "_rebuild_tensor" } && args is List<object?> { Count: >= 4 } a)
                            CheckView(at, a[0] as Storage ?? throw Fail(at, "tensor rebuilt from something that is not a storage"), Int(at, a[1]), Ints(at, a[2]), Ints(at, a[3]));
                        Push(at, Opaque.Instance);
                    }
                    break;
                default: throw Fail(at, $"unsupported pickle opcode 0x{op:x2}");
            }
        }

        object? Peek(int at) => stack.Count == 0 ? throw Fail(at, "pickle stack underflow") : stack[^1];

        Storage PersistentLoad(int at, object? pid)
        {
            // ('storage', <torch.XStorage>, key, location, numel)
            if (pid is not List<object?> { Count: 5 } t || t[0] is not "storage" || t[1] is not Global type || t[2] is not string key || t[4] is not long numel)
                throw Fail(at, "persistent id is not ('storage', type, key, location, numel)");
            if (!ElementSizes.TryGetValue(type.Name, out int elementSize) || type.Module != "torch")
                throw Fail(at, $"unsupported storage type {Printable(type.Module)}.{Printable(type.Name)}");
            long stored = storedBytes(key);
            if (numel < 0 || numel > stored / elementSize)
                throw Fail(at, $"storage '{Printable(key)}' claims {numel} elements of {elementSize} bytes, but data/{Printable(key)} holds {stored} bytes");
            return new Storage(key, numel);
        }

        void CheckView(int at, Storage s, long offset, List<long> size, List<long> stride)
        {
            if (size.Count != stride.Count || size.Count > 64) throw Fail(at, $"tensor on storage '{Printable(s.Key)}' has {size.Count} sizes and {stride.Count} strides");
            if (offset < 0 || size.Any(x => x < 0) || stride.Any(x => x < 0)) throw Fail(at, $"tensor on storage '{Printable(s.Key)}' has a negative offset, size or stride");
            if (size.Any(x => x == 0)) return;
            // The last element the view touches must lie inside the storage.
            Int128 last = offset;
            for (int i = 0; i < size.Count; i++) last += (Int128)(size[i] - 1) * stride[i];
            Int128 count = 1;
            foreach (var x in size) { count *= x; if (count > s.Numel) break; }
            if (last >= s.Numel || count > Math.Max(1, s.Numel) && stride.All(x => x != 0))
                throw Fail(at, $"tensor of shape [{string.Join(", ", size)}] does not fit its storage '{Printable(s.Key)}' of {s.Numel} elements");
        }
    }

    private static string Printable(string s)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 40 ? clean : clean[..40] + "…";
    }
}
