using System.Drawing;
using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>Aligns detected faces to the ArcFace template: least-squares similarity from the five
/// landmarks to the (scaled) template, then a bilinear warp.</summary>
public sealed class FaceAligner(AlignmentOptions? options = null)
{
    public AlignmentOptions Options { get; } = options ?? new AlignmentOptions();

    /// <summary>The aligned crop, or null and the reason when the landmarks are implausible.</summary>
    public AlignedFace? TryAlign(RgbImage photo, DetectedFace face, out string? rejection)
    {
        rejection = LandmarkCheck.Problem(face, Options);
        if (rejection is not null) return null;
        var template = ArcFaceTemplate.Points(Options.OutputSize, Options.Margin);
        var transform = SimilarityTransform.Estimate(face.Landmarks, template);
        return new AlignedFace(WarpAntiAliased(photo, transform, Options.OutputSize), face, transform);
    }

    /// <summary>Aligns without plausibility checks (for callers that already checked, or synthetic data).</summary>
    public RgbImage Align(RgbImage photo, IReadOnlyList<PointF> landmarks)
    {
        var transform = SimilarityTransform.Estimate(landmarks, ArcFaceTemplate.Points(Options.OutputSize, Options.Margin));
        return WarpAntiAliased(photo, transform, Options.OutputSize);
    }

    // Shrinking a face many times with a bilinear tap aliases; halve the photo (box filter) while the
    // crop samples it at less than half resolution, adjusting the transform for the halved grid.
    private static RgbImage WarpAntiAliased(RgbImage photo, SimilarityTransform t, int size)
    {
        while (t.Scale < 0.5 && photo.Width >= 4 && photo.Height >= 4)
        {
            photo = AffineWarp.Resize(photo, photo.Width / 2, photo.Height / 2);
            // A halved pixel centre x' sits at source 2x' + 0.5, so source = 2x' + 0.5.
            t = new SimilarityTransform(2 * t.A, 2 * t.B, t.Tx + 0.5 * (t.A - t.B), t.Ty + 0.5 * (t.B + t.A));
        }
        return AffineWarp.Warp(photo, t, size, size);
    }
}
