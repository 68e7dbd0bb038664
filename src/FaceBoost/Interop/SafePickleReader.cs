using System.Buffers.Binary;
using System.Text;

namespace FaceBoost.Interop;

/// <summary>A deliberately tiny pickle reader for data-only pickles such as insightface's verification
/// `.bin` files. It builds only inert values — byte[] (bytes, and py2 str as pickled by Python 2),
/// string, bool, long, null, <see cref="List{T}"/> of object and <see cref="PickleTuple"/> — and
/// never imports, calls or instantiates anything: GLOBAL/REDUCE/BUILD/… are rejected with
/// "unsupported pickle opcode", except the two globals Python 3 itself uses to pickle bytes at
/// protocol 2 (`_codecs.encode(str, 'latin1')`, `bytes()`), which are interpreted, not called. Every length is
/// checked against the remaining input and <see cref="MaxObjectBytes"/> before allocating.</summary>
public sealed class SafePickleReader
{
    public long MaxObjectBytes { get; init; } = 256L << 20;
    public int MaxItems { get; init; } = 50_000_000;

    private sealed class Mark { public static readonly Mark Instance = new(); }
    private sealed class CodecsEncode { public static readonly CodecsEncode Instance = new(); }
    private sealed class BytesType { public static readonly BytesType Instance = new(); }

    public object? Load(byte[] data, string source)
    {
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        int pos = 0;
        int items = 0;

        PickleException Fail(long at, string why) => new(source, at, why);
        void Need(long at, long n)
        {
            if (n < 0 || n > data.Length - pos) throw Fail(at, $"truncated: needs {n} more bytes, {data.Length - pos} left");
        }
        object? Pop(long at)
        {
            if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek())) throw Fail(at, "stack underflow");
            var v = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return v;
        }
        List<object?> PopToMark(long at)
        {
            if (marks.Count == 0) throw Fail(at, "no MARK on the stack");
            int m = marks.Pop();
            var list = stack.GetRange(m, stack.Count - m);
            stack.RemoveRange(m, stack.Count - m);
            return list;
        }
        byte[] Bytes(long at, long n)
        {
            if (n > MaxObjectBytes) throw Fail(at, $"object of {n} bytes exceeds the {MaxObjectBytes}-byte limit");
            Need(at, n);
            var b = data.AsSpan(pos, (int)n).ToArray();
            pos += (int)n;
            return b;
        }
        void Push(object? v, long at)
        {
            if (++items > MaxItems) throw Fail(at, $"more than {MaxItems} objects");
            stack.Add(v);
        }
        long Top(long at) => stack.Count == 0 ? throw Fail(at, "MEMOIZE/PUT on an empty stack") : 0;

        while (true)
        {
            long at = pos;
            if (pos >= data.Length) throw Fail(at, "truncated: no STOP opcode");
            byte op = data[pos++];
            switch (op)
            {
                case 0x80: Need(at, 1); if (data[pos] > 5) throw Fail(at, $"pickle protocol {data[pos]} is newer than 5"); pos++; break; // PROTO
                case 0x95: Need(at, 8); pos += 8; break; // FRAME: frames are a buffering hint only
                case 0x2e: // STOP
                    if (stack.Count != 1 || marks.Count != 0) throw Fail(at, "STOP with a malformed stack");
                    return stack[0];
                case 0x28: marks.Push(stack.Count); break; // MARK
                case 0x5d: Push(new List<object?>(), at); break; // EMPTY_LIST
                case 0x29: Push(new PickleTuple([]), at); break; // EMPTY_TUPLE
                case 0x4e: Push(null, at); break; // NONE
                case 0x88: Push(true, at); break; // NEWTRUE
                case 0x89: Push(false, at); break; // NEWFALSE
                case 0x4b: Need(at, 1); Push((long)data[pos++], at); break; // BININT1
                case 0x4d: Need(at, 2); Push((long)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(pos)), at); pos += 2; break; // BININT2
                case 0x4a: Need(at, 4); Push((long)BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(pos)), at); pos += 4; break; // BININT
                case 0x43: case 0x55: Need(at, 1); { int n = data[pos++]; Push(Bytes(at, n), at); } break; // SHORT_BINBYTES, SHORT_BINSTRING
                case 0x42: Need(at, 4); { long n = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)); pos += 4; Push(Bytes(at, n), at); } break; // BINBYTES
                case 0x54: Need(at, 4); { long n = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(pos)); pos += 4; if (n < 0) throw Fail(at, "negative BINSTRING length"); Push(Bytes(at, n), at); } break; // BINSTRING
                case 0x8e: Need(at, 8); { ulong n = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos)); pos += 8; Push(Bytes(at, n > long.MaxValue ? -1 : (long)n), at); } break; // BINBYTES8
                case 0x8c: Need(at, 1); { int n = data[pos++]; Push(Utf8(at, Bytes(at, n)), at); } break; // SHORT_BINUNICODE
                case 0x58: Need(at, 4); { long n = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)); pos += 4; Push(Utf8(at, Bytes(at, n)), at); } break; // BINUNICODE
                case 0x8d: Need(at, 8); { ulong n = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos)); pos += 8; Push(Utf8(at, Bytes(at, n > long.MaxValue ? -1 : (long)n)), at); } break; // BINUNICODE8
                case 0x61: { var v = Pop(at); AsList(Peek(at), at).Add(v); } break; // APPEND
                case 0x65: { var vs = PopToMark(at); AsList(Peek(at), at).AddRange(vs); } break; // APPENDS
                case 0x74: Push(new PickleTuple(PopToMark(at)), at); break; // TUPLE
                case 0x85: { var a = Pop(at); Push(new PickleTuple([a]), at); } break; // TUPLE1
                case 0x86: { var b = Pop(at); var a = Pop(at); Push(new PickleTuple([a, b]), at); } break; // TUPLE2
                case 0x87: { var c = Pop(at); var b = Pop(at); var a = Pop(at); Push(new PickleTuple([a, b, c]), at); } break; // TUPLE3
                case 0x94: Top(at); memo[memo.Count] = stack[^1]; break; // MEMOIZE
                case 0x71: Need(at, 1); Top(at); memo[data[pos++]] = stack[^1]; break; // BINPUT
                case 0x72: Need(at, 4); Top(at); memo[BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos))] = stack[^1]; pos += 4; break; // LONG_BINPUT
                case 0x68: Need(at, 1); Push(memo.TryGetValue(data[pos], out var g1) ? g1 : throw Fail(at, $"memo {data[pos]} undefined"), at); pos++; break; // BINGET
                case 0x6a: Need(at, 4); { long k = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos)); pos += 4; Push(memo.TryGetValue(k, out var g) ? g : throw Fail(at, $"memo {k} undefined"), at); } break; // LONG_BINGET
                case 0x63: // GLOBAL "module\nname\n": only Python 3's own protocol-2 spelling of bytes.
                    {
                        string module = Line(at), name = Line(at);
                        if (module == "_codecs" && name == "encode") Push(CodecsEncode.Instance, at);
                        else if (module is "__builtin__" or "builtins" && name == "bytes") Push(BytesType.Instance, at); // empty bytes at protocol 2
                        else throw Fail(at, $"unsupported pickle opcode GLOBAL ({module}.{name}): this reader never imports or calls anything");
                    }
                    break;
                case 0x52: // REDUCE: only _codecs.encode(str, 'latin1') → bytes
                    {
                        var args = Pop(at);
                        var f = Pop(at);
                        if (f is BytesType && args is PickleTuple { Count: 0 }) { Push(Array.Empty<byte>(), at); break; }
                        if (f is not CodecsEncode || args is not PickleTuple { Count: 2 } t || t[0] is not string s || t[1] is not ("latin1" or "latin-1"))
                            throw Fail(at, "unsupported pickle opcode REDUCE (only _codecs.encode(str, 'latin1') and bytes(), Python 3's protocol-2 bytes, are understood)");
                        var b = new byte[s.Length];
                        for (int i = 0; i < s.Length; i++)
                            b[i] = s[i] <= 0xFF ? (byte)s[i] : throw Fail(at, "latin1 bytes string holds a character above U+00FF");
                        Push(b, at);
                    }
                    break;
                default:
                    throw Fail(at, $"unsupported pickle opcode {OpName(op)} (0x{op:x2})");
            }
        }

        object? Peek(long at) => stack.Count == 0 ? throw Fail(at, "stack underflow") : stack[^1];
        List<object?> AsList(object? o, long at) => o as List<object?> ?? throw Fail(at, "APPEND/APPENDS target is not a list");
        string Line(long at)
        {
            int end = Array.IndexOf(data, (byte)'\n', pos);
            if (end < 0 || end - pos > 256) throw Fail(at, "malformed GLOBAL name");
            var s = Encoding.ASCII.GetString(data, pos, end - pos);
            pos = end + 1;
            return s;
        }
        string Utf8(long at, byte[] b)
        {
            try { return new UTF8Encoding(false, true).GetString(b); }
            catch (DecoderFallbackException) { throw Fail(at, "invalid UTF-8 in a unicode string"); }
        }
    }

    private static string OpName(byte op) => op switch
    {
        0x63 => "GLOBAL", 0x93 => "STACK_GLOBAL", 0x52 => "REDUCE", 0x62 => "BUILD", 0x69 => "INST", 0x6f => "OBJ",
        0x81 => "NEWOBJ", 0x92 => "NEWOBJ_EX", 0x7d => "EMPTY_DICT", 0x73 => "SETITEM", 0x75 => "SETITEMS",
        0x8f => "EMPTY_SET", 0x90 => "ADDITEMS", 0x91 => "FROZENSET", 0x50 => "PERSID", 0x51 => "BINPERSID",
        0x47 => "BINFLOAT", 0x8a => "LONG1", 0x8b => "LONG4", 0x96 => "BYTEARRAY8", 0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER", 0x49 => "INT", 0x4c => "LONG", 0x53 => "STRING", 0x56 => "UNICODE",
        0x46 => "FLOAT", 0x30 => "POP", 0x31 => "DUP", 0x32 => "POP_MARK", 0x6c => "LIST", 0x64 => "DICT",
        0x67 => "GET", 0x70 => "PUT", 0x82 => "EXT1", 0x83 => "EXT2", 0x84 => "EXT4",
        _ => op is >= 0x20 and < 0x7f ? $"'{(char)op}'" : "unknown",
    };
}
