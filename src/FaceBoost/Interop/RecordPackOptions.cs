namespace FaceBoost.Interop;

/// <summary>How <see cref="InsightfaceRecordPacker"/> stores images. JPEG files already at the target
/// size are stored byte for byte (as insightface's packers do); others are re-encoded, as JPEG
/// (insightface's usual choice, lossy) or PNG (lossless; OpenCV's imdecode in insightface reads it too).</summary>
public sealed record RecordPackOptions(int? Width = null, int? Height = null, bool Png = false, int JpegQuality = 95);
