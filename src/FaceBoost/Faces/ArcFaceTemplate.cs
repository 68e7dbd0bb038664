using System.Drawing;

namespace FaceBoost.Faces;

/// <summary>insightface's canonical 5-point layout of a 112×112 ArcFace crop (eyes, nose, mouth
/// corners, image-left first), scaled to other square sizes with an optional margin.</summary>
public static class ArcFaceTemplate
{
    public const int ReferenceSize = 112;

    private static readonly PointF[] Reference112 =
    [
        new(38.2946f, 51.6963f),
        new(73.5318f, 51.5014f),
        new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f),
        new(70.7299f, 92.2041f),
    ];

    /// <summary>Template points for an <paramref name="outputSize"/>² crop.</summary>
    /// <param name="margin">Extra context as a fraction of the crop: 0 is the ArcFace crop; 0.2 zooms out so
    /// the ArcFace crop fills the central 1/(1+0.2) of the output. Must be in (−0.5, 2].</param>
    public static PointF[] Points(int outputSize, float margin = 0f)
    {
        if (outputSize < 8) throw new ArgumentOutOfRangeException(nameof(outputSize), $"output size {outputSize} is below 8 px");
        if (margin <= -0.5f || margin > 2f) throw new ArgumentOutOfRangeException(nameof(margin), $"margin {margin} is outside (-0.5, 2]");
        // Scale about the crop centre so a margin zooms out symmetrically.
        float s = outputSize / (float)ReferenceSize / (1f + margin);
        float c = ReferenceSize / 2f, oc = outputSize / 2f;
        var pts = new PointF[Reference112.Length];
        for (int i = 0; i < pts.Length; i++)
            pts[i] = new PointF(oc + (Reference112[i].X - c) * s, oc + (Reference112[i].Y - c) * s);
        return pts;
    }
}
