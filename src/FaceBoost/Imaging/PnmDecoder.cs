using System.Text;

namespace FaceBoost.Imaging;

/// <summary>Netpbm PGM/PPM (P2, P3, P5, P6; maxval up to 65535). SkiaSharp has no decoder for them.</summary>
public static class PnmDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> data, string source)
    {
        int pos = 0;
        string magic = NextToken(data, ref pos, source);
        if (magic is not ("P2" or "P3" or "P5" or "P6")) throw new ImageDecodeException(source, $"unsupported PNM kind '{Trim(magic)}' (P2, P3, P5 and P6 are read)");
        int width = ParseInt(NextToken(data, ref pos, source), "width", source);
        int height = ParseInt(NextToken(data, ref pos, source), "height", source);
        int maxval = ParseInt(NextToken(data, ref pos, source), "maxval", source);
        ImageDecoder.CheckDeclaredSize(width, height, source, "PNM");
        if (maxval is <= 0 or > 65535) throw new ImageDecodeException(source, $"PNM maxval {maxval} out of range");
        int channels = magic is "P3" or "P6" ? 3 : 1;
        int plane = width * height;
        bool binary = magic is "P5" or "P6";
        int bytesPer = maxval < 256 ? 1 : 2;
        // The file must hold every sample the header declares before the image is allocated: binary samples take
        // bytesPer bytes each, ASCII ones at least a digit and a separator (the last needs no separator).
        long samples = (long)plane * channels;
        long need = binary ? samples * bytesPer : 2 * samples - 1;
        long left = data.Length - pos - (binary ? 1 : 0);
        if (left < need)
            throw new ImageDecodeException(source, $"truncated PNM: {width}x{height} needs {need} {(binary ? "pixel" : "sample text")} bytes, the file has {Math.Max(0, left)}");
        var img = new RgbImage(width, height);
        float scale = 1f / maxval;
        var px = img.Pixels;
        if (binary)
        {
            pos++; // exactly one whitespace byte after maxval
            for (int i = 0; i < plane; i++)
                for (int c = 0; c < channels; c++)
                {
                    int o = pos + (i * channels + c) * bytesPer;
                    int v = bytesPer == 1 ? data[o] : (data[o] << 8) | data[o + 1];
                    float f = Math.Min(v, maxval) * scale;
                    if (channels == 1) { px[i] = f; px[plane + i] = f; px[2 * plane + i] = f; }
                    else px[c * plane + i] = f;
                }
        }
        else
        {
            for (int i = 0; i < plane; i++)
                for (int c = 0; c < channels; c++)
                {
                    float f = Math.Clamp(ParseInt(NextToken(data, ref pos, source), "sample", source), 0, maxval) * scale;
                    if (channels == 1) { px[i] = f; px[plane + i] = f; px[2 * plane + i] = f; }
                    else px[c * plane + i] = f;
                }
        }
        return img;
    }

    private static string NextToken(ReadOnlySpan<byte> d, ref int pos, string source)
    {
        while (pos < d.Length)
        {
            if (d[pos] == (byte)'#') { while (pos < d.Length && d[pos] != (byte)'\n') pos++; }
            else if (char.IsWhiteSpace((char)d[pos])) pos++;
            else break;
        }
        int start = pos;
        while (pos < d.Length && !char.IsWhiteSpace((char)d[pos]) && d[pos] != (byte)'#') pos++;
        if (start == pos) throw new ImageDecodeException(source, "truncated PNM header or data");
        return Encoding.ASCII.GetString(d[start..pos]);
    }

    private static int ParseInt(string token, string what, string source) =>
        int.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int v)
            ? v : throw new ImageDecodeException(source, $"PNM {what} '{Trim(token)}' is not a number");

    private static string Trim(string s) => s.Length <= 20 ? s : s[..20] + "…";
}
