namespace FaceBoost.Faces;

/// <summary>Settings of <see cref="FacePreparer"/>.</summary>
/// <param name="DetectorModel">Path of the YuNet ONNX model (FaceBoost ships no weights).</param>
/// <param name="Workers">Parallel workers, each with its own single-threaded detector session.</param>
public sealed record PrepareOptions(
    string DetectorModel,
    AlignmentOptions? Alignment = null,
    YuNetOptions? Detector = null,
    FaceSelection Selection = FaceSelection.Largest,
    int Workers = 2)
{
    public AlignmentOptions AlignmentOrDefault => Alignment ?? new AlignmentOptions();
    public YuNetOptions DetectorOrDefault => Detector ?? new YuNetOptions();
}
