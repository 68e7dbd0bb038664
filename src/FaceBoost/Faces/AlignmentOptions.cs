namespace FaceBoost.Faces;

/// <summary>How <see cref="FaceAligner"/> crops and which detections it refuses.</summary>
/// <param name="OutputSize">Side of the square crop (112 = ArcFace; 128 as the paper's generator; 64/32 for CPU runs).</param>
/// <param name="Margin">Zoom-out as a fraction of the crop (see <see cref="ArcFaceTemplate.Points"/>).</param>
/// <param name="MinScore">Detections below this score are refused.</param>
/// <param name="MinEyeDistanceToBox">Inter-ocular distance over box width: below this the face is in profile or the eyes are confused.</param>
/// <param name="MaxEyeDistanceToBox">Above this the eyes lie outside the face.</param>
/// <param name="BoxSlack">Landmarks may lie this fraction of the box size outside the box.</param>
/// <param name="MaxRollDegrees">Faces rolled further than this (eye line vs horizontal) are refused.</param>
/// <param name="MaxTemplateError">Refuse when the landmarks, after the best similarity, miss the template by more
/// than this RMS fraction of the template's inter-ocular distance (strong pose or bad landmarks).</param>
public sealed record AlignmentOptions(
    int OutputSize = 112,
    float Margin = 0f,
    float MinScore = 0.6f,
    float MinEyeDistanceToBox = 0.15f,
    float MaxEyeDistanceToBox = 0.9f,
    float BoxSlack = 0.25f,
    float MaxRollDegrees = 75f,
    float MaxTemplateError = 0.3f);
