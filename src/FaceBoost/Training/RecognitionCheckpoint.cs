using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Reads and writes recognition checkpoints (<see cref="TensorArchive"/> files, extension .fbck):
/// "model.*" backbone state dict (parameters and BN buffers), "head.*", "optim.&lt;param&gt;/&lt;slot&gt;",
/// "average_image", and a <see cref="CheckpointHeader"/>. A run folder's `latest` file names the newest one.</summary>
public static class RecognitionCheckpoint
{
    public const string Extension = ".fbck";
    public const string LatestFile = "latest";

    public static bool LooksLikeCheckpoint(string path) =>
        (File.Exists(path) && path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase)) ||
        (Directory.Exists(path) && File.Exists(Path.Combine(path, LatestFile)));

    /// <summary>A checkpoint file as given, or the one a run folder's `latest` points to.</summary>
    public static string Resolve(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            var latest = Path.Combine(path, LatestFile);
            if (!File.Exists(latest)) throw new FileNotFoundException($"run folder '{path}' has no '{LatestFile}' checkpoint pointer (no checkpoint written yet?)", latest);
            var name = File.ReadAllText(latest).Trim();
            var full = Path.Combine(path, name);
            if (!File.Exists(full)) throw new FileNotFoundException($"'{latest}' names '{name}', which does not exist", full);
            return full;
        }
        throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
    }

    public static (CheckpointHeader Header, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        var (json, tensors) = TensorArchive.Read(path);
        CheckpointHeader? header;
        try { header = JsonSerializer.Deserialize<CheckpointHeader>(json, CheckpointHeader.Json); }
        catch (JsonException ex) { throw new InvalidDataException($"checkpoint '{path}' has an unreadable header: {ex.Message}"); }
        if (header is null || header.Kind != CheckpointHeader.KindName)
            throw new InvalidDataException($"'{path}' is not a FaceBoost recognition checkpoint (kind '{header?.Kind}')");
        return (header, tensors);
    }

    public static void Write(string path, CheckpointHeader header, IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        TensorArchive.Write(path, JsonSerializer.Serialize(header, CheckpointHeader.Json), tensors);

    /// <summary>All state-dict entries (parameters and buffers) of a module under a prefix.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> StateOf(nn.Module module, string prefix) =>
        module.state_dict().Select(kv => new KeyValuePair<string, Tensor>(prefix + kv.Key, kv.Value));

    /// <summary>Copies "prefix.*" tensors into the module strictly: every key present, no extras, shapes equal.</summary>
    public static void LoadModule(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source)
    {
        var state = module.state_dict();
        var missing = state.Keys.Where(k => !tensors.ContainsKey(prefix + k)).ToList();
        var extra = tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !state.ContainsKey(k[prefix.Length..])).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new InvalidDataException($"'{source}' does not match the {module.GetName()} architecture: " +
                $"missing [{string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}], " +
                $"unexpected [{string.Join(", ", extra.Take(5))}{(extra.Count > 5 ? ", …" : "")}]");
        using var noGrad = no_grad();
        foreach (var (k, dst) in state)
        {
            var src = tensors[prefix + k];
            if (!src.shape.SequenceEqual(dst.shape))
                throw new InvalidDataException($"'{source}': '{prefix}{k}' has shape [{string.Join(",", src.shape)}], model expects [{string.Join(",", dst.shape)}]");
            if (src.dtype != dst.dtype)
                throw new InvalidDataException($"'{source}': '{prefix}{k}' is {src.dtype}, model expects {dst.dtype}");
            dst.copy_(src);
        }
    }
}
