using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Recognition checkpoints in the one container (<see cref="CheckpointFile"/>, kind
/// <see cref="RecognitionTrainer.Kind"/>): "model.*" backbone state dict (parameters and BN buffers), "head.*",
/// "optim.&lt;param&gt;/&lt;slot&gt;", "average_image", and a <see cref="CheckpointHeader"/>. A run folder's
/// `latest` file names the newest one.</summary>
public static class RecognitionCheckpoint
{
    public const string Extension = CheckpointFile.Extension;
    public const string LatestFile = TrainingRun.LatestFile;

    public static bool LooksLikeCheckpoint(string path) =>
        (File.Exists(path) && path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase)) ||
        (Directory.Exists(path) && File.Exists(Path.Combine(path, LatestFile)));

    /// <summary>A checkpoint file as given, or the one a run folder's `latest` points to.</summary>
    public static string Resolve(string path) => TrainingRun.Resolve(path);

    /// <summary>Header and tensors (the caller disposes the tensors). Throws <see cref="CheckpointException"/>.</summary>
    public static (CheckpointHeader Header, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        var content = CheckpointFile.Read(path, RecognitionTrainer.Kind);
        try
        {
            var header = content.HeaderAs<CheckpointHeader>();
            CheckDeclaredSizes(content, header);
            return (header, content.WithPrefix(""));
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    /// <summary>Header-declared model sizes against limits and the stored tensors, before a network is built.</summary>
    public static void CheckDeclaredSizes(CheckpointContent content, CheckpointHeader header)
    {
        var b = header.Backbone;
        if (b.InputSize is < 8 or > 1024 || b.BaseWidth is < 1 or > 1024 || b.EmbeddingSize is < 1 or > 65536 || b.InputChannels is not (3 or 6))
            throw new CheckpointException(content.Path, $"declares an implausible backbone (input {b.InputSize}, width {b.BaseWidth}, embedding {b.EmbeddingSize}, channels {b.InputChannels})");
        // The first convolution of every backbone maps the input channels to the base width (or a multiple of it).
        var first = content.Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal) && kv.Value.dim() == 4).Select(kv => kv.Value).FirstOrDefault();
        if (first is not null && first.shape[1] != b.InputChannels && first.shape[1] != 1)
            throw new CheckpointException(content.Path, $"declares {b.InputChannels} input channels, the first stored convolution takes {first.shape[1]}");
        var storedElements = content.Tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)).Sum(kv => kv.Value.NumberOfElements);
        if (storedElements == 0) throw new CheckpointException(content.Path, "stores no model tensors");
    }

    public static void Write(string path, CheckpointHeader header, IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        CheckpointFile.Write(path, RecognitionTrainer.Kind, header, tensors);

    /// <summary>All state-dict entries (parameters and buffers) of a module under a prefix.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> StateOf(nn.Module module, string prefix) =>
        module.state_dict().Select(kv => new KeyValuePair<string, Tensor>(prefix + kv.Key, kv.Value));

    /// <summary>Copies "prefix.*" tensors into the module strictly: every key present, no extras, shapes equal.</summary>
    public static void LoadModule(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string prefix, string source) =>
        new CheckpointContent(source, new System.Text.Json.Nodes.JsonObject(), tensors.ToDictionary()).LoadModule(module, prefix);
}
