namespace FaceBoost.Evaluation;

/// <summary>Opens *.onnx files with ONNX Runtime.</summary>
public sealed class OnnxEmbedderProvider : IEmbedderProvider
{
    public string Description => "ONNX model (*.onnx)";
    public bool CanOpen(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
    public IFaceEmbedder Open(string path, EmbedderOptions options) => new OnnxFaceEmbedder(path, options);
}
