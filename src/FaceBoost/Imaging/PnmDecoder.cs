using System.Text;

namespace FaceBoost.Imaging;

/// <summary>Netpbm PGM/PPM (P2, P3, P5, P6; maxval up to 65535). SkiaSharp has no decoder for them.</summary>
public static class PnmDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> data, string source)
    {
        int pos = 0;
        string magic = NextToken(data, ref pos, source);
        int width = ParseInt(NextToken(data, ref pos, source), "width", source);
        int height = ParseInt(NextToken(data, ref pos, source), "height", source);
        int maxval = ParseInt(NextToken(data, ref pos, source), "maxval", source);
        if (width <= 0 || height <= 0 || (long)width * height > 1L << 28)
            throw new ImageDecodeException(source, $"implausible PNM size {width}x{height}");
        if (maxval is <= 0 or > 65535) throw new ImageDecodeException(source, $"PNM maxval {maxval} out of range");
        int channels = magic is "P3" or "P6" ? 3 : 1;
        var img = new RgbImage(width, height);
        int plane = width * height;
        float scale = 1f / maxval;
        var px = img.Pixels;
        if (magic is "P5" or "P6")
        {
            pos++; // exactly one whitespace byte after maxval
            int bytesPer = maxval < 256 ? 1 : 2;
            long need = (long)plane * channels * bytesPer;
            if (data.Length - pos < need)
                throw new ImageDecodeException(source, $"truncated PNM: {data.Length - pos} pixel bytes, need {need}");
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
                    float f = Math.Min(ParseInt(NextToken(data, ref pos, source), "sample", source), maxval) * scale;
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
        int.TryParse(token, out int v) ? v : throw new ImageDecodeException(source, $"PNM {what} '{token}' is not a number");
}
