using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>Finds faces (box, score, five landmarks) in a photograph. An instance need not be
/// thread-safe: give each worker its own.</summary>
public interface IFaceDetector : IDisposable
{
    /// <summary>Faces in <paramref name="image"/>, best score first, in its pixel coordinates.</summary>
    IReadOnlyList<DetectedFace> Detect(RgbImage image);
}
