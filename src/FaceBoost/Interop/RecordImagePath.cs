using System.Collections.Concurrent;
using System.Globalization;
using FaceBoost.Imaging;

namespace FaceBoost.Interop;

/// <summary>Addresses one image inside a `.rec` as a path string, `rec://&lt;absolute .rec path&gt;#&lt;key&gt;`, so that
/// records can stand wherever the data layer stores image paths (FaceSample.Path). <see cref="Format"/> registers the
/// scheme with <see cref="ImageStores"/>, so <see cref="ImageDecoder.Decode(string, int)"/>, FaceLoader, DatasetValidator
/// and eval read them like files. Readers are opened once per file and shared (reads are thread-safe).</summary>
public static class RecordImagePath
{
    public const string Scheme = "rec://";
    private static readonly ConcurrentDictionary<string, Lazy<RecordIoReader>> Readers = new(StringComparer.Ordinal);
    private static readonly IImageStore Store = new RecordStore();

    public static string Format(string recPath, long key)
    {
        ImageStores.Register(Store);
        return Scheme + Path.GetFullPath(recPath) + "#" + key.ToString(CultureInfo.InvariantCulture);
    }

    public static bool IsRecordPath(string path) => path.StartsWith(Scheme, StringComparison.Ordinal);

    public static bool TryParse(string path, out string recPath, out long key)
    {
        recPath = ""; key = 0;
        if (!IsRecordPath(path)) return false;
        int hash = path.LastIndexOf('#');
        if (hash <= Scheme.Length || !long.TryParse(path.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out key)) return false;
        recPath = path[Scheme.Length..hash];
        return true;
    }

    /// <summary>The encoded image bytes (IRHeader stripped) the path points at.</summary>
    public static byte[] ReadBytes(string path)
    {
        if (!TryParse(path, out var rec, out var key))
            throw new ImageDecodeException(path, "not a rec://<file>#<key> image address");
        var reader = Readers.GetOrAdd(rec, r => new Lazy<RecordIoReader>(() => new RecordIoReader(r))).Value;
        var record = reader.Read(key);
        var (_, off) = IrHeader.Unpack(record, path);
        return record[off..];
    }

    /// <summary>Decodes a rec:// address.</summary>
    public static RgbImage Decode(string path) => ImageDecoder.Decode(ReadBytes(path), path);

    private sealed class RecordStore : IImageStore
    {
        public string Scheme => RecordImagePath.Scheme;
        public byte[] ReadBytes(string path) => RecordImagePath.ReadBytes(path);
    }
}
