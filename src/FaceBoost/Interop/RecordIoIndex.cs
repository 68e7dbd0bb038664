using System.Globalization;
using System.Text;

namespace FaceBoost.Interop;

/// <summary>An MXNet `.idx` file: one "key\tbyte-offset\n" line per record (as
/// `MXIndexedRecordIO.write_idx` writes it), keys in file order.</summary>
public sealed class RecordIoIndex
{
    private readonly Dictionary<long, long> _offsets;

    public IReadOnlyList<long> Keys { get; }

    private RecordIoIndex(List<long> keys, Dictionary<long, long> offsets) { Keys = keys; _offsets = offsets; }

    public int Count => Keys.Count;
    public bool Contains(long key) => _offsets.ContainsKey(key);

    public long OffsetOf(long key) => _offsets.TryGetValue(key, out var o) ? o
        : throw new KeyNotFoundException($"record key {key} is not in the index");

    public bool TryGetOffset(long key, out long offset) => _offsets.TryGetValue(key, out offset);

    /// <summary>Parses an index; every malformed line, duplicate key or offset past the end of the
    /// `.rec` (when <paramref name="recLength"/> is given) is a <see cref="RecordIoException"/>.</summary>
    public static RecordIoIndex Load(string idxPath, long recLength = long.MaxValue)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(idxPath); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new RecordIoException(idxPath, -1, "cannot read index: " + ex.Message, ex); }
        var keys = new List<long>();
        var offsets = new Dictionary<long, long>();
        int pos = 0, lineNo = 0;
        while (pos < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', pos);
            if (end < 0) end = bytes.Length;
            lineNo++;
            var line = Encoding.ASCII.GetString(bytes, pos, end - pos).Trim();
            long lineStart = pos;
            pos = end + 1;
            if (line.Length == 0) continue;
            var parts = line.Split('\t');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var key)
                || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset))
                throw new RecordIoException(idxPath, lineStart, $"line {lineNo} is not \"<key>\\t<offset>\": \"{Truncate(line)}\"");
            if (offset < 0 || offset % 4 != 0 || offset >= recLength)
                throw new RecordIoException(idxPath, lineStart, $"line {lineNo}: offset {offset} for key {key} is not a 4-aligned position inside the {recLength}-byte .rec");
            if (!offsets.TryAdd(key, offset))
                throw new RecordIoException(idxPath, lineStart, $"line {lineNo}: key {key} appears twice");
            keys.Add(key);
        }
        return new RecordIoIndex(keys, offsets);
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
