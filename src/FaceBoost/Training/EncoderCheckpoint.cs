using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceBoost.Nets;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>What an encoder checkpoint says about itself.</summary>
public sealed record EncoderCheckpointInfo(
    PspEncoderOptions Encoder,
    int Step,
    int Epoch,
    int Iterations,
    string? GeneratorCheckpoint,
    string Perceptual,
    string Format = EncoderCheckpoint.FormatName);

/// <summary>An encoder checkpoint: one zip holding meta.json, encoder.pt (a PyTorch state dict: the
/// pSp-named encoder tensors plus latent_avg and average_image, loadable with torch.load) and, for
/// resuming, optimizer.pt. Written atomically (temp file + rename).</summary>
public sealed class EncoderCheckpoint : IDisposable
{
    public const string FormatName = "faceboost-psp-encoder-1";
    public const string LatentAvgKey = "latent_avg";
    public const string AverageImageKey = "average_image";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public EncoderCheckpointInfo Info { get; }
    /// <summary>Encoder tensors by pSp name (input_layer.*, body.*, linear.* / styles.*).</summary>
    public IReadOnlyDictionary<string, Tensor> EncoderState { get; }
    /// <summary>1×3×S×S in [-1, 1]: the generator at the mean latent, the 3 extra input channels.</summary>
    public Tensor AverageImage { get; }
    /// <summary>WDim mean latent of the generator the encoder was trained against.</summary>
    public Tensor MeanW { get; }
    public IReadOnlyDictionary<string, Tensor>? OptimizerState { get; }

    private EncoderCheckpoint(EncoderCheckpointInfo info, Dictionary<string, Tensor> state, Tensor average, Tensor meanW, Dictionary<string, Tensor>? optimizer)
    {
        Info = info; EncoderState = state; AverageImage = average; MeanW = meanW; OptimizerState = optimizer;
    }

    public static void Save(string path, EncoderCheckpointInfo info, PspEncoder encoder, Tensor averageImage, Tensor meanW,
        IReadOnlyDictionary<string, Tensor>? optimizerState = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var file = File.Create(temp))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                using (var w = zip.CreateEntry("meta.json").Open())
                    JsonSerializer.Serialize(w, info, Json);
                var state = new Dictionary<string, Tensor>();
                foreach (var (k, v) in encoder.state_dict()) state[k] = v.detach().cpu();
                state[LatentAvgKey] = meanW.detach().cpu().reshape(-1);
                state[AverageImageKey] = averageImage.detach().cpu();
                WriteStateDict(zip, "encoder.pt", state);
                if (optimizerState is not null)
                    WriteStateDict(zip, "optimizer.pt", optimizerState.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu()));
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static EncoderCheckpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"encoder checkpoint not found: {path}", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var metaEntry = zip.GetEntry("meta.json") ?? throw new InvalidDataException("no meta.json");
            EncoderCheckpointInfo info;
            using (var s = metaEntry.Open())
                info = JsonSerializer.Deserialize<EncoderCheckpointInfo>(s, Json) ?? throw new InvalidDataException("empty meta.json");
            if (info.Format != FormatName) throw new InvalidDataException($"format '{info.Format}', expected '{FormatName}'");
            var state = ReadStateDict(zip, "encoder.pt") ?? throw new InvalidDataException("no encoder.pt");
            if (!state.Remove(LatentAvgKey, out var meanW)) throw new InvalidDataException($"encoder.pt lacks {LatentAvgKey}");
            if (!state.Remove(AverageImageKey, out var average)) throw new InvalidDataException($"encoder.pt lacks {AverageImageKey}");
            var optimizer = ReadStateDict(zip, "optimizer.pt");
            return new EncoderCheckpoint(info, state, average, meanW, optimizer);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or NotSupportedException)
        {
            throw new InvalidDataException($"{path} is not a readable FaceBoost encoder checkpoint: {ex.Message}", ex);
        }
    }

    /// <summary>A fresh encoder with these weights (strict: every tensor must match).</summary>
    public PspEncoder CreateEncoder()
    {
        var encoder = new PspEncoder(Info.Encoder);
        StrictCopy.Into(encoder, EncoderState, "encoder checkpoint");
        return encoder;
    }

    private static void WriteStateDict(ZipArchive zip, string name, Dictionary<string, Tensor> state)
    {
        using var buffer = new MemoryStream();
        PyTorchPickler.PickleStateDict(buffer, state);
        // The pickler closes its stream; ToArray still works on a closed MemoryStream.
        var bytes = buffer.ToArray();
        using var w = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        w.Write(bytes);
    }

    private static readonly List<Tensor> UnpickledOriginals = [];

    private static Dictionary<string, Tensor>? ReadStateDict(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        if (entry is null) return null;
        using var buffer = new MemoryStream();
        using (var s = entry.Open()) s.CopyTo(buffer);
        buffer.Position = 0;
        var table = PyTorchUnpickler.UnpickleStateDict(buffer);
        var d = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry e in table)
        {
            // Own copies; the unpickled originals are kept referenced for the process lifetime: processes that
            // loaded and disposed checkpoints segfaulted later at a garbage address (suspected: a native deleter
            // of an unpickled tensor) — under investigation, this sidesteps it at a small memory cost.
            var original = (Tensor)e.Value!;
            d[(string)e.Key] = original.clone().DetachFromDisposeScope();
            lock (UnpickledOriginals) UnpickledOriginals.Add(original);
        }
        return d;
    }

    public void Dispose()
    {
        foreach (var t in EncoderState.Values) t.Dispose();
        AverageImage.Dispose();
        MeanW.Dispose();
        if (OptimizerState is not null) foreach (var t in OptimizerState.Values) t.Dispose();
    }
}
