using FaceBoost.Nets;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>What an encoder checkpoint says about itself (its JSON header). Position: the next step runs batch
/// <see cref="NextBatch"/> of epoch <see cref="Epoch"/>. <see cref="Decoder"/> is null for an encoder of a frozen
/// generator and <see cref="LearnedDecoderName"/> for the autoencoder ablation (its decoder stored as "decoder.*").</summary>
public sealed record EncoderCheckpointInfo(
    PspEncoderOptions Encoder,
    int Step,
    int Epoch,
    int Iterations,
    string? GeneratorCheckpoint,
    string Perceptual,
    int NextBatch = 0,
    string? Decoder = null,
    string? InversionNoise = null);

/// <summary>An encoder checkpoint in the one container (kind <see cref="Kind"/>): "encoder.*" (pSp-named encoder
/// tensors), "latent_avg", "average_image" and, for resuming, "optim.*". Loads from a file or a run folder.</summary>
public sealed class EncoderCheckpoint : IDisposable
{
    public const string Kind = "faceboost.encoder";
    public const string LatentAvgKey = "latent_avg";
    public const string AverageImageKey = "average_image";
    public const string EncoderPrefix = "encoder.";
    public const string OptimizerPrefix = "optim.encoder.";
    public const string DecoderPrefix = "decoder.";
    public const string LearnedDecoderName = "learned";

    public EncoderCheckpointInfo Info { get; }
    /// <summary>Encoder tensors by pSp name (input_layer.*, body.*, linear.* / styles.*).</summary>
    public IReadOnlyDictionary<string, Tensor> EncoderState { get; }
    /// <summary>1×3×S×S in [-1, 1]: the generator at the mean latent, the 3 extra input channels.</summary>
    public Tensor AverageImage { get; }
    /// <summary>WDim mean latent of the generator the encoder was trained against.</summary>
    public Tensor MeanW { get; }
    public IReadOnlyDictionary<string, Tensor>? OptimizerState { get; }
    public string Path => _content.Path;

    private readonly CheckpointContent _content;

    private EncoderCheckpoint(CheckpointContent content)
    {
        _content = content;
        Info = content.HeaderAs<EncoderCheckpointInfo>();
        var e = Info.Encoder ?? throw new CheckpointException(content.Path, "the header has no encoder options");
        try { e.Validate(); }
        catch (ArgumentException ex) { throw new CheckpointException(content.Path, $"declares an invalid encoder ({ex.Message})"); }
        if (e.Width > 1024 || e.NumWs > 64 || e.WDim > 4096 || e.InputSize > 1024 || e.NumLayers is not (18 or 34 or 50 or 100 or 152))
            throw new CheckpointException(content.Path, $"declares an implausible encoder {e}");
        // Header sizes against the stored tensors, before any network is built.
        content.ExpectShape(EncoderPrefix + "input_layer.0.weight", e.Width, PspEncoderOptions.InputChannels, 3, 3);
        content.ExpectShape(LatentAvgKey, e.WDim);
        EncoderState = content.WithPrefix(EncoderPrefix);
        AverageImage = content.Get(AverageImageKey);
        if (AverageImage.dim() != 4 || AverageImage.shape[0] != 1 || AverageImage.shape[1] != 3)
            throw new CheckpointException(content.Path, $"'{AverageImageKey}' must be 1×3×S×S, got [{string.Join(",", AverageImage.shape)}]");
        MeanW = content.Get(LatentAvgKey);
        var optimizer = content.WithPrefix(OptimizerPrefix);
        OptimizerState = optimizer.Count > 0 ? optimizer : null;
    }

    /// <summary>The tensors a checkpoint stores for an encoder (its state, the mean latent, the average image, optimizer).</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Tensors(PspEncoder encoder, Tensor averageImage, Tensor meanW,
        IReadOnlyDictionary<string, Tensor>? optimizerState, nn.Module? decoder = null)
    {
        foreach (var (k, v) in encoder.state_dict()) yield return new(EncoderPrefix + k, v);
        if (decoder is not null)
            foreach (var (k, v) in decoder.state_dict()) yield return new(DecoderPrefix + k, v);
        yield return new(LatentAvgKey, meanW.reshape(-1));
        yield return new(AverageImageKey, averageImage);
        if (optimizerState is not null)
            foreach (var (k, v) in optimizerState) yield return new(OptimizerPrefix + k, v);
    }

    public static void Save(string path, EncoderCheckpointInfo info, PspEncoder encoder, Tensor averageImage, Tensor meanW,
        IReadOnlyDictionary<string, Tensor>? optimizerState = null) =>
        CheckpointFile.Write(path, Kind, info, Tensors(encoder, averageImage, meanW, optimizerState));

    /// <summary>Reads a checkpoint file, or a run folder's latest one. Throws <see cref="CheckpointException"/>.</summary>
    public static EncoderCheckpoint Load(string path)
    {
        string file;
        try { file = TrainingRun.Resolve(path); }
        catch (FileNotFoundException e) { throw new CheckpointException(path, e.Message); }
        return FromContent(CheckpointFile.Read(file, Kind));
    }

    /// <summary>Takes ownership of already-read content.</summary>
    public static EncoderCheckpoint FromContent(CheckpointContent content)
    {
        try { return new EncoderCheckpoint(content); }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    /// <summary>A fresh encoder with these weights (strict: every tensor must match).</summary>
    public PspEncoder CreateEncoder()
    {
        var encoder = new PspEncoder(Info.Encoder);
        try { _content.LoadModule(encoder, EncoderPrefix); }
        catch
        {
            encoder.Dispose();
            throw;
        }
        return encoder;
    }

    /// <summary>Loads the stored decoder of an autoencoder checkpoint into <paramref name="decoder"/> (strict).</summary>
    public void LoadDecoder(nn.Module decoder) => _content.LoadModule(decoder, DecoderPrefix);

    public void Dispose() => _content.Dispose();
}
