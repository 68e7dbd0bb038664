using FaceBoost.Imaging;

namespace FaceBoost.Evaluation;

/// <summary>Turns face crops into embeddings. Implemented for ONNX models (<see cref="OnnxFaceEmbedder"/>)
/// and for FaceBoost checkpoints, so that both are evaluated by exactly the same code.</summary>
public interface IFaceEmbedder : IDisposable
{
    /// <summary>Side of the square input the model expects (e.g. 112); callers resize faces to it.</summary>
    int InputSize { get; }

    /// <summary>One raw (not necessarily normalised) embedding per face, in order.</summary>
    float[][] Embed(IReadOnlyList<RgbImage> faces);
}
