using FaceBoost.Nets;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Initialises a recognition backbone from another model's checkpoint (`train --init-from`): the
/// pSp encoder transfer of issue 6 implements it; <see cref="BackboneInitializers"/> lists the implementations.</summary>
public interface IBackboneInitializer
{
    string Description { get; }
    bool CanInitialize(string path);
    /// <summary>Copies weights into <paramref name="backbone"/> (strictly, shapes checked) and returns the
    /// average image (3×S×S, normalised like the training data) for a 6-channel backbone, else null.
    /// <paramref name="stages"/> &lt; 4 copies only the input layer and the first stages of the body, where supported.</summary>
    Tensor? Initialize(string path, FaceBackbone backbone, (float Mean, float Std) normalization, int stages = 4);
}

public static class BackboneInitializers
{
    public static IReadOnlyList<IBackboneInitializer> All { get; } = [new EncoderTransfer(), new RecognitionCheckpointInitializer()];

    public static IBackboneInitializer Find(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"--init-from '{path}' does not exist", path);
        return All.FirstOrDefault(i => i.CanInitialize(path))
               ?? throw new NotSupportedException($"--init-from '{path}' is not a recognised model; supported: {string.Join("; ", All.Select(i => i.Description))}");
    }
}
