using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>A crop aligned to the ArcFace template, with the detection it came from and the
/// similarity that maps photo coordinates onto crop coordinates.</summary>
public sealed record AlignedFace(RgbImage Crop, DetectedFace Source, SimilarityTransform PhotoToCrop);
