namespace FaceBoost.Evaluation;

/// <summary>Opens one kind of model file as an <see cref="IFaceEmbedder"/>. Public non-abstract
/// implementations with a parameterless constructor in FaceBoost.Core are found by
/// <see cref="EmbedderFactory"/> automatically (e.g. the training code's checkpoint embedder), so the
/// CLI needs no model-specific code.</summary>
public interface IEmbedderProvider
{
    /// <summary>Short name shown in errors, e.g. "ONNX model (*.onnx)".</summary>
    string Description { get; }
    bool CanOpen(string path);
    IFaceEmbedder Open(string path, EmbedderOptions options);
}
