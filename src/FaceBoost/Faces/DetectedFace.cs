using System.Drawing;

namespace FaceBoost.Faces;

/// <summary>One face found by an <see cref="IFaceDetector"/>, in the coordinates of the image given to it.</summary>
/// <param name="Box">Face box (x, y = top-left corner; width, height) in pixels.</param>
/// <param name="Score">Detector confidence in [0, 1].</param>
/// <param name="Landmarks">Five points in the order of the ArcFace template (as insightface):
/// the eye on the image's left (the subject's right eye), the eye on the image's right, nose tip,
/// mouth corner on the image's left, mouth corner on the image's right.</param>
public sealed record DetectedFace(RectangleF Box, float Score, PointF[] Landmarks)
{
    public const int LandmarkCount = 5;

    public float Area => Box.Width * Box.Height;

    /// <summary>Distance between the two eye centres, in pixels.</summary>
    public float InterOcularDistance
    {
        get
        {
            float dx = Landmarks[1].X - Landmarks[0].X, dy = Landmarks[1].Y - Landmarks[0].Y;
            return MathF.Sqrt(dx * dx + dy * dy);
        }
    }
}
