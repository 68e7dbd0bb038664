namespace FaceBoost.Faces;

/// <summary>Settings of <see cref="YuNetDetector"/>.</summary>
/// <param name="ScoreThreshold">Minimum face score √(cls·obj) kept.</param>
/// <param name="NmsIouThreshold">Boxes overlapping a better one by more than this IoU are dropped.</param>
/// <param name="TopK">Candidates kept (best first) before non-maximum suppression.</param>
/// <param name="KeepTopK">Faces kept after suppression.</param>
/// <param name="MaxInputSide">Photos whose longer side exceeds this are shrunk before detection (faces are
/// mapped back to full resolution); YuNet is trained for faces of roughly 10–300 px.</param>
/// <param name="IntraOpThreads">ONNX Runtime threads per session (1 suits one session per worker).</param>
public sealed record YuNetOptions(
    float ScoreThreshold = 0.6f,
    float NmsIouThreshold = 0.3f,
    int TopK = 5000,
    int KeepTopK = 750,
    int MaxInputSide = 640,
    int IntraOpThreads = 1);
