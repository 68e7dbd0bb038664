using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A simple exact container for named tensors plus a JSON header: "FBTA1", header length + UTF-8 JSON,
/// tensor count, then per tensor: name, dtype, rank, shape, byte length, raw little-endian bytes. Written to a
/// temporary file and renamed into place, so a crash never leaves a half-written archive under the final name.</summary>
public static class TensorArchive
{
    private const string Magic = "FBTA1";

    public static void Write(string path, string headerJson, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var w = new BinaryWriter(fs, Encoding.UTF8))
            {
                w.Write(Encoding.ASCII.GetBytes(Magic));
                w.Write(headerJson);
                var list = tensors.ToList();
                w.Write(list.Count);
                foreach (var (name, t) in list)
                {
                    using var scope = torch.NewDisposeScope(); // keeps detach()/cpu() temporaries alive until written
                    var c = t.detach().cpu().contiguous();
                    w.Write(name);
                    w.Write((int)c.dtype);
                    w.Write((int)c.dim()); // Read() expects an Int32 rank; dim() is long
                    foreach (var d in c.shape) w.Write(d);
                    var bytes = c.bytes;
                    w.Write((long)bytes.Length);
                    w.Write(bytes);
                }
                w.Flush();
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    public static (string HeaderJson, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        try
        {
            var magic = Encoding.ASCII.GetString(r.ReadBytes(Magic.Length));
            if (magic != Magic) throw new InvalidDataException($"'{path}' is not a FaceBoost tensor archive (bad magic '{magic}')");
            var header = r.ReadString();
            var count = r.ReadInt32();
            var dict = new Dictionary<string, Tensor>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = r.ReadString();
                var dtype = (ScalarType)r.ReadInt32();
                var rank = r.ReadInt32();
                var shape = new long[rank];
                for (var k = 0; k < rank; k++) shape[k] = r.ReadInt64();
                var len = r.ReadInt64();
                var data = r.ReadBytes(checked((int)len));
                if (data.Length != len) throw new EndOfStreamException();
                var t = empty(shape, dtype);
                if (t.bytes.Length != len) throw new InvalidDataException($"'{path}': tensor '{name}' holds {len} bytes, shape needs {t.bytes.Length}");
                t.bytes = data;
                dict[name] = t;
            }
            return (header, dict);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"checkpoint '{path}' is truncated");
        }
    }
}
