using FaceBoost.Nets;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A trained recognition network: the backbone plus, for 6-channel backbones, the average image
/// concatenated to every input (the paper's encoder-initialised networks keep it). Embeddings are raw
/// (not L2-normalised).</summary>
public sealed class RecognitionModel : IDisposable
{
    public RecognitionModel(FaceBackbone backbone, Tensor? averageImage, (float Mean, float Std) normalization)
    {
        if (backbone.InputChannels == 6)
        {
            if (averageImage is null)
                throw new ArgumentException("a 6-channel backbone needs the average image (3×S×S) as its extra input channels");
            if (!averageImage.shape.SequenceEqual(new long[] { 3, backbone.InputSize, backbone.InputSize }))
                throw new ArgumentException($"average image must be 3×{backbone.InputSize}×{backbone.InputSize}, got [{string.Join("×", averageImage.shape)}]");
        }
        Backbone = backbone;
        if (backbone.InputChannels == 6)
            using (var detached = averageImage!.detach()) AverageImage = detached.clone(); // held: see InMemoryBatchSource
        Normalization = normalization;
    }

    public FaceBackbone Backbone { get; }
    /// <summary>3×S×S, normalised like the inputs; null for 3-channel backbones.</summary>
    public Tensor? AverageImage { get; }
    public (float Mean, float Std) Normalization { get; }
    public int InputSize => Backbone.InputSize;
    public int EmbeddingSize => Backbone.EmbeddingSize;

    /// <summary>Adds the average-image channels when the backbone has 6 inputs (images: N×3×S×S normalised).</summary>
    public Tensor PrepareInput(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != InputSize || images.shape[3] != InputSize)
            throw new ArgumentException($"images must be N×3×{InputSize}×{InputSize}, got [{string.Join("×", images.shape)}]");
        if (AverageImage is null) return images.alias();
        return cat([images, AverageImage.unsqueeze(0).expand(images.shape[0], -1, -1, -1)], 1);
    }

    /// <summary>Training-mode forward (gradients flow).</summary>
    public Tensor Forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return Backbone.forward(PrepareInput(images)).MoveToOuterDisposeScope();
    }

    /// <summary>Inference embeddings (eval mode, no gradients) of N×3×S×S normalised images.</summary>
    public Tensor Embed(Tensor images)
    {
        Backbone.eval();
        using var noGrad = no_grad();
        return Forward(images);
    }

    /// <summary>Loads the model part of a recognition checkpoint (a file, or a run folder → its `latest`).</summary>
    public static RecognitionModel Load(string checkpointPath)
    {
        var path = RecognitionCheckpoint.Resolve(checkpointPath);
        var (header, tensors) = RecognitionCheckpoint.Read(path);
        FaceBackbone? backbone = null;
        try
        {
            backbone = BackboneFactory.Create(header.Backbone);
            RecognitionCheckpoint.LoadModule(backbone, tensors, "model.", path);
            tensors.TryGetValue("average_image", out var avg);
            var model = new RecognitionModel(backbone, avg, (header.NormalizeMean, header.NormalizeStd));
            backbone.eval();
            return model;
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            backbone?.Dispose();
            // Options the header declares that no backbone accepts, or an average image of the wrong shape: the file is bad.
            if (e is ArgumentException) throw new CheckpointException(path, $"declares a model that cannot be built ({e.Message})", e);
            throw;
        }
        catch
        {
            backbone?.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    public void Dispose()
    {
        Backbone.Dispose();
        AverageImage?.Dispose();
    }
}
