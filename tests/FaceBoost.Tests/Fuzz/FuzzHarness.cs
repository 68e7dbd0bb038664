using System.Text;

namespace FaceBoost.Tests.Fuzz;

/// <summary>Deterministic mutations of valid seed files: bit flips, truncations, length-field overwrites (interesting
/// 16/32-bit values, little and big endian, biased to the header), random byte runs, chunk duplication, token
/// insertion for text formats, and pure random files.</summary>
internal sealed class Mutator(int seed, bool text = false)
{
    private readonly Random _rng = new(seed);

    private static readonly uint[] Interesting =
        [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 16384, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 1u << 20, 1u << 28, 0x3FFFFFFF];

    private static readonly string[] Tokens =
        ["\0", "\t", "\n", " ", "-1", "0", "99999999999", "1e999", "NaN", "\"", "{", "}", "[", "]", ":", ",", "\"base\"", "\"base\": 5",
         "\\u0000", "#", "../", "/", "\r\n", "\"name\": 1", "a\0b", "é", "\uFFFD", new string('x', 300)];

    public string Describe { get; private set; } = "";

    public byte[] Mutate(byte[] seedBytes)
    {
        var d = seedBytes.ToArray();
        int kinds = text ? 8 : 7;
        int kind = _rng.Next(kinds);
        switch (kind)
        {
            case 0: // bit flips
                {
                    int n = 1 + _rng.Next(8);
                    for (int i = 0; i < n && d.Length > 0; i++) d[_rng.Next(d.Length)] ^= (byte)(1 << _rng.Next(8));
                    Describe = $"{n} bit flips";
                    return d;
                }
            case 1: // truncation
                {
                    int len = d.Length == 0 ? 0 : _rng.Next(d.Length);
                    Describe = $"truncated to {len}";
                    return d[..len];
                }
            case 2: case 3: // length-field overwrite, biased to the first 64 bytes where headers live
                {
                    if (d.Length < 4) return d;
                    int span = kind == 2 ? Math.Min(64, d.Length - 3) : d.Length - 3;
                    int at = _rng.Next(Math.Max(1, span));
                    uint v = _rng.Next(4) == 0 ? (uint)_rng.NextInt64(0, 1L << 32) : Interesting[_rng.Next(Interesting.Length)];
                    bool wide = _rng.Next(2) == 0, big = _rng.Next(2) == 0;
                    if (wide)
                    {
                        if (big) { d[at] = (byte)(v >> 24); d[at + 1] = (byte)(v >> 16); d[at + 2] = (byte)(v >> 8); d[at + 3] = (byte)v; }
                        else { d[at] = (byte)v; d[at + 1] = (byte)(v >> 8); d[at + 2] = (byte)(v >> 16); d[at + 3] = (byte)(v >> 24); }
                    }
                    else if (big) { d[at] = (byte)(v >> 8); d[at + 1] = (byte)v; }
                    else { d[at] = (byte)v; d[at + 1] = (byte)(v >> 8); }
                    Describe = $"{(wide ? 32 : 16)}-bit {(big ? "BE" : "LE")} 0x{v:x} at {at}";
                    return d;
                }
            case 4: // random byte run
                {
                    if (d.Length == 0) return d;
                    int at = _rng.Next(d.Length), n = Math.Min(d.Length - at, 1 + _rng.Next(32));
                    _rng.NextBytes(d.AsSpan(at, n));
                    Describe = $"{n} random bytes at {at}";
                    return d;
                }
            case 5: // duplicate a chunk
                {
                    if (d.Length == 0) return d;
                    int at = _rng.Next(d.Length), n = Math.Min(d.Length - at, 1 + _rng.Next(256)), to = _rng.Next(d.Length);
                    Describe = $"{n} bytes from {at} duplicated at {to}";
                    return [.. d[..to], .. d.AsSpan(at, n), .. d[to..]];
                }
            case 6: // a pure random file (one in four), else a random run over the whole middle
                if (_rng.Next(4) == 0)
                {
                    var r = new byte[_rng.Next(512)];
                    _rng.NextBytes(r);
                    Describe = $"{r.Length} random bytes";
                    return r;
                }
                else
                {
                    int at = _rng.Next(Math.Max(1, d.Length));
                    for (int i = at; i < d.Length; i += 1 + _rng.Next(16)) d[i] = (byte)_rng.Next(256);
                    Describe = $"sparse random bytes from {at}";
                    return d;
                }
            default: // token insertion (text formats)
                {
                    var tok = Encoding.UTF8.GetBytes(Tokens[_rng.Next(Tokens.Length)]);
                    int at = _rng.Next(d.Length + 1);
                    Describe = $"token {Printable(tok)} inserted at {at}";
                    return [.. d[..at], .. tok, .. d[at..]];
                }
        }
    }

    private static string Printable(byte[] b)
    {
        var s = Encoding.UTF8.GetString(b).Replace("\0", "\\0").Replace("\n", "\\n").Replace("\t", "\\t");
        return s.Length > 12 ? s[..12] + "…" : s;
    }
}

/// <summary>Per-format outcome counts and the largest allocation one input caused.</summary>
internal sealed class FuzzStats(string format)
{
    public string Format { get; } = format;
    public int Accepted, Rejected, Other;
    public long PeakAllocated;
    public long PeakRssGrowth;
    public TimeSpan Elapsed;
    public List<string> OtherExamples { get; } = [];
    public int Total => Accepted + Rejected + Other;
}

/// <summary>Process memory as the kernel sees it: VmHWM (peak RSS) can be reset to the current RSS, so each
/// format's peak is measured on its own.</summary>
internal static class ProcessMemory
{
    public static long ReadKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return 0;
    }

    public static long RssBytes => ReadKb("VmRSS") * 1024;
    public static long PeakRssBytes => ReadKb("VmHWM") * 1024;

    /// <summary>Resets VmHWM to the current RSS (Linux clear_refs "5"); false when the kernel refuses.</summary>
    public static bool ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
    }
}
