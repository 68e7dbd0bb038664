using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FaceBoost.Evaluation;

/// <summary>NumPy .npy files (format version 1.0) of a 2-D float32 matrix, little-endian ('&lt;f4'), C order, so
/// <c>numpy.load</c> and anything built on it read them directly.</summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    public static void Write(Stream s, IReadOnlyList<float[]> rows, int columns)
    {
        if (rows.Any(r => r.Length != columns)) throw new ArgumentException($"every row needs {columns} values");
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows.Count}, {columns}), }}");
        // Magic (8) + header length (2) + header, padded with spaces and ended by '\n' to a multiple of 64 bytes.
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";
        if (header.Length > ushort.MaxValue) throw new ArgumentException("npy header too long for version 1.0");
        s.Write(Magic);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        s.Write(len);
        s.Write(Encoding.ASCII.GetBytes(header));
        var buf = new byte[columns * 4];
        foreach (var r in rows)
        {
            for (int j = 0; j < columns; j++) BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4 * j), r[j]);
            s.Write(buf);
        }
    }

    /// <summary>Reads what <see cref="Write"/> writes (a 2-D '&lt;f4' C-order array, version 1.0).</summary>
    public static float[][] Read(string path)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 10 || !data.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)) || data[6] != 1)
            throw new InvalidDataException($"{path}: not a NumPy .npy version 1 file");
        int hlen = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(8));
        var header = Encoding.ASCII.GetString(data, 10, hlen);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected a C-order '<f4' array, header {header.Trim()}");
        var shape = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        var dims = shape[..shape.IndexOf(')')].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        if (dims.Length != 2) throw new InvalidDataException($"{path}: expected a 2-D array, shape ({string.Join(",", dims)})");
        int off = 10 + hlen;
        if (data.Length != off + (long)dims[0] * dims[1] * 4) throw new InvalidDataException($"{path}: {data.Length - off} data bytes for shape ({dims[0]}, {dims[1]})");
        var rows = new float[dims[0]][];
        for (int i = 0; i < dims[0]; i++)
        {
            rows[i] = new float[dims[1]];
            for (int j = 0; j < dims[1]; j++) rows[i][j] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(off + 4 * (i * dims[1] + j)));
        }
        return rows;
    }
}
