using FaceBoost.Nets;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>`train --init-from RUN_OR_FBCK`: starts from another recognition model's backbone (the synthetic-identity
/// arm pretrains on generated identities, then fine-tunes on the real labels). The whole backbone is copied strictly;
/// the margin head is not (its classes are other identities), so the new run trains a fresh head.</summary>
public sealed class RecognitionCheckpointInitializer : IBackboneInitializer
{
    public string Description => "FaceBoost recognition checkpoint (*.fbck or a `faceboost train` run folder)";

    public bool CanInitialize(string path) => CheckpointKind.Of(path) == RecognitionTrainer.Kind;

    public Tensor? Initialize(string path, FaceBackbone backbone, (float Mean, float Std) normalization, int stages = 4)
    {
        if (stages != 4) throw new NotSupportedException($"'{path}': a recognition checkpoint initialises the whole backbone; transfer by stages ({stages}) is for encoder checkpoints");
        var file = RecognitionCheckpoint.Resolve(path);
        var (header, tensors) = RecognitionCheckpoint.Read(file);
        try
        {
            if (Math.Abs(header.NormalizeMean - normalization.Mean) > 1e-6 || Math.Abs(header.NormalizeStd - normalization.Std) > 1e-6)
                throw new InvalidDataException($"'{file}' was trained on pixels normalised with mean {header.NormalizeMean}, std {header.NormalizeStd}; " +
                                               $"this run uses {normalization.Mean}, {normalization.Std}");
            RecognitionCheckpoint.LoadModule(backbone, tensors, "model.", file);
            return tensors.TryGetValue("average_image", out var avg) ? avg.clone() : null;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
