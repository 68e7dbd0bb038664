using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>The one error a checkpoint reader throws: the file and what is wrong with it, in one line.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : IOException($"checkpoint '{path}': {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>FaceBoost's one checkpoint container (extension .fbck) for every trainer: named tensors whose prefix says
/// what they belong to (<c>model.</c>, <c>head.</c>, <c>encoder.</c>, <c>G.</c>, <c>D.</c>, <c>G_ema.</c>,
/// <c>optim.&lt;name&gt;.</c>) plus a JSON header with at least <c>kind</c> and <c>format</c>.
/// Layout: magic "FBCK2"; header (7-bit length + UTF-8 JSON); Int32 tensor count; per tensor: name (7-bit length +
/// UTF-8), Int32 dtype, Int32 rank, Int64 × rank shape, Int64 byte length, raw little-endian bytes.
/// The reader checks every size against the bytes left in the file and sane limits before allocating, and reads the
/// older "FBTA1" recognition archives (same layout). Writes go through <see cref="AtomicFile"/>.</summary>
public static class CheckpointFile
{
    public const string Extension = ".fbck";
    public const int FormatVersion = 2;
    private const string Magic = "FBCK2";
    private const string LegacyMagic = "FBTA1";
    private const int MaxHeaderBytes = 64 << 20;
    private const int MaxTensors = 1 << 20;
    private const int MaxNameBytes = 4096;
    private const int MaxRank = 8;

    public static readonly JsonSerializerOptions Json = CheckpointHeader.Json;

    private static readonly HashSet<ScalarType> KnownTypes =
    [
        ScalarType.Byte, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Float16,
        ScalarType.Float32, ScalarType.Float64, ScalarType.Bool, ScalarType.BFloat16,
    ];

    /// <summary>Writes <paramref name="header"/> (its JSON object gains <c>kind</c> and <c>format</c>) and the tensors atomically.</summary>
    public static void Write<THeader>(string path, string kind, THeader header, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var node = JsonSerializer.SerializeToNode(header, Json) as JsonObject ?? new JsonObject();
        node["kind"] = kind;
        node["format"] = FormatVersion;
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in list)
            if (!names.Add(name)) throw new ArgumentException($"checkpoint '{path}': tensor name '{name}' appears twice");
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Encoding.ASCII.GetBytes(Magic));
            w.Write(node.ToJsonString(Json));
            w.Write(list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                var (name, t) = list[i];
                if (i == list.Count / 2) { w.Flush(); FaultPoint.Hit("ckpt-write", path); }
                using var scope = NewDisposeScope(); // keeps detach()/cpu() temporaries alive until written
                var c = t.detach().cpu().contiguous();
                w.Write(name);
                w.Write((int)c.dtype);
                w.Write((int)c.dim());
                foreach (var d in c.shape) w.Write(d);
                var bytes = c.bytes;
                w.Write((long)bytes.Length);
                w.Write(bytes);
            }
            w.Flush();
            FaultPoint.Hit("ckpt-rename", path);
        });
    }

    /// <summary>Only the JSON header (cheap: the tensors are not read).</summary>
    public static JsonObject ReadHeader(string path, string? expectedKind = null)
    {
        using var r = Open(path, out var length);
        return Guard(path, () => ReadHeaderCore(r, length, path, expectedKind));
    }

    /// <summary>Header and all tensors; the caller disposes the result.</summary>
    public static CheckpointContent Read(string path, string? expectedKind = null)
    {
        using var r = Open(path, out var length);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            return Guard(path, () =>
            {
                var header = ReadHeaderCore(r, length, path, expectedKind);
                var count = r.ReadInt32();
                if (count < 0 || count > MaxTensors) throw new CheckpointException(path, $"tensor count {count} is out of range");
                for (var i = 0; i < count; i++)
                {
                    var name = ReadString(r, length, MaxNameBytes, path, "tensor name");
                    // No writer makes such a name, and echoing one would break the one-line error message.
                    if (name.Any(char.IsControl)) throw new CheckpointException(path, $"tensor {i} has a name with control characters");
                    var dtype = (ScalarType)r.ReadInt32();
                    if (!KnownTypes.Contains(dtype)) throw new CheckpointException(path, $"tensor '{name}' has unknown dtype {(int)dtype}");
                    var rank = r.ReadInt32();
                    if (rank < 0 || rank > MaxRank) throw new CheckpointException(path, $"tensor '{name}' has rank {rank} (0…{MaxRank} allowed)");
                    Need(r, length, 8L * rank + 8, path, $"tensor '{name}' shape");
                    var shape = new long[rank];
                    long elements = 1;
                    for (var k = 0; k < rank; k++)
                    {
                        shape[k] = r.ReadInt64();
                        if (shape[k] < 0 || shape[k] > int.MaxValue) throw new CheckpointException(path, $"tensor '{name}' has dimension {shape[k]}");
                        elements = elements == 0 || shape[k] == 0 ? 0 : checked(elements * shape[k]);
                    }
                    var len = r.ReadInt64();
                    var expected = checked(elements * ElementSize(dtype));
                    if (len != expected) throw new CheckpointException(path, $"tensor '{name}' holds {len} bytes, its shape [{string.Join(",", shape)}] needs {expected}");
                    if (len > int.MaxValue) throw new CheckpointException(path, $"tensor '{name}' of {len} bytes is larger than supported");
                    Need(r, length, len, path, $"tensor '{name}' data");
                    if (tensors.ContainsKey(name)) throw new CheckpointException(path, $"tensor '{name}' appears twice");
                    var data = r.ReadBytes((int)len);
                    var t = empty(shape, dtype);
                    t.bytes = data;
                    tensors[name] = t;
                }
                if (r.BaseStream.Position != length) throw new CheckpointException(path, $"{length - r.BaseStream.Position} unexpected bytes after the last tensor");
                return new CheckpointContent(path, header, tensors);
            });
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    private static JsonObject ReadHeaderCore(BinaryReader r, long length, string path, string? expectedKind)
    {
        Need(r, length, Magic.Length, path, "magic");
        var magicBytes = r.ReadBytes(Magic.Length);
        var magic = Encoding.ASCII.GetString(magicBytes);
        if (magic != Magic && magic != LegacyMagic) throw new CheckpointException(path, DescribeForeign(magicBytes));
        var json = ReadString(r, length, MaxHeaderBytes, path, "header");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(json) as JsonObject ?? throw new CheckpointException(path, "the header is not a JSON object");
        }
        catch (JsonException e) { throw new CheckpointException(path, $"unreadable header ({e.Message})", e); }
        var kind = header["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : null;
        if (kind is null) throw new CheckpointException(path, "the header names no kind");
        if (expectedKind is not null && kind != expectedKind)
            throw new CheckpointException(path, $"is a '{kind}' checkpoint, expected '{expectedKind}'");
        return header;
    }

    /// <summary>Explains a file that is not this container; the retired formats get a one-line what-to-do.</summary>
    private static string DescribeForeign(byte[] start)
    {
        if (start.Length >= 2 && start[0] == (byte)'P' && start[1] == (byte)'K')
            return "is an encoder checkpoint in the retired zip format (.fbenc); retrain the encoder with this version, " +
                   "or use it with the FaceBoost version that wrote it";
        if (start.Length >= 5 && start[0] == 6 && Encoding.ASCII.GetString(start, 1, 4) == "FBGA")
            return "is a GAN checkpoint in the retired .fbgan format; retrain the GAN with this version, " +
                   "or use it with the FaceBoost version that wrote it";
        return "is not a FaceBoost checkpoint (unknown magic)";
    }

    private static BinaryReader Open(string path, out long length)
    {
        try
        {
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            length = fs.Length;
            return new BinaryReader(fs, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : e.Message, e);
        }
    }

    private static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (CheckpointException) { throw; }
        catch (EndOfStreamException e) { throw new CheckpointException(path, "is truncated", e); }
        catch (OverflowException e) { throw new CheckpointException(path, "declares sizes that overflow", e); }
        catch (Exception e) when (e is IOException or DecoderFallbackException or FormatException)
        {
            throw new CheckpointException(path, e.Message, e);
        }
    }

    private static string ReadString(BinaryReader r, long length, int max, string path, string what)
    {
        var n = r.Read7BitEncodedInt();
        if (n < 0 || n > max) throw new CheckpointException(path, $"{what} length {n} is out of range");
        Need(r, length, n, path, what);
        var bytes = r.ReadBytes(n);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
    }

    private static void Need(BinaryReader r, long length, long bytes, string path, string what)
    {
        if (bytes < 0 || bytes > length - r.BaseStream.Position)
            throw new CheckpointException(path, $"is truncated ({what} needs {bytes} bytes, {length - r.BaseStream.Position} left)");
    }

    private static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        _ => 8,
    };
}

/// <summary>A checkpoint read into memory: its header and named tensors (owned; disposed with this).</summary>
public sealed class CheckpointContent(string path, JsonObject header, Dictionary<string, Tensor> tensors) : IDisposable
{
    public string Path { get; } = path;
    public JsonObject Header { get; } = header;
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;
    private readonly Dictionary<string, Tensor> _tensors = tensors;

    public string Kind => Header["kind"]!.GetValue<string>();

    /// <summary>The header as a record; JSON problems become a <see cref="CheckpointException"/>.</summary>
    public T HeaderAs<T>() where T : class
    {
        try
        {
            return Header.Deserialize<T>(CheckpointFile.Json) ?? throw new CheckpointException(Path, "the header is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw new CheckpointException(Path, $"unreadable header ({e.Message})", e);
        }
    }

    public bool Has(string name) => _tensors.ContainsKey(name);

    public Tensor Get(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw new CheckpointException(Path, $"has no tensor '{name}'");

    /// <summary>Tensors under <paramref name="prefix"/>, keyed without it (not copies).</summary>
    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        _tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Copies "prefix.*" into the module strictly (<see cref="StateDictCopy.Strict"/>), dtypes equal too.</summary>
    public void LoadModule(nn.Module module, string prefix)
    {
        var source = WithPrefix(prefix);
        foreach (var (k, dst) in module.state_dict())
            if (source.TryGetValue(k, out var src) && src.dtype != dst.dtype)
                throw new CheckpointException(Path, $"'{prefix}{k}' is {src.dtype}, the model expects {dst.dtype}");
        try { StateDictCopy.Strict(module, source, Path); }
        catch (StateDictMismatchException e)
        {
            throw new CheckpointException(Path, $"does not match the {module.GetName()} architecture ({e.Report.Describe(5, "; ")})");
        }
    }

    /// <summary>Checks that a stored tensor has the shape the header's model options imply, before a network is built.</summary>
    public void ExpectShape(string name, params long[] shape)
    {
        var t = Get(name);
        if (!t.shape.SequenceEqual(shape))
            throw new CheckpointException(Path, $"the header implies '{name}' of shape [{string.Join(",", shape)}], the file stores [{string.Join(",", t.shape)}]");
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}

/// <summary>What kind of checkpoint a path holds (a file, or a run folder's latest), without reading tensors.</summary>
public static class CheckpointKind
{
    /// <summary>The header's kind, or null when the path is no readable checkpoint.</summary>
    public static string? Of(string path)
    {
        try
        {
            var header = CheckpointFile.ReadHeader(TrainingRun.Resolve(path));
            return header["kind"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var k) ? k : null;
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException) { return null; }
    }
}
