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
    // crop samples it at less than half resolution, adjusting the transform for the halved grid. Only
    // the part of the photo the crop can see is halved, so the cost does not grow with the photo.
    private static RgbImage WarpAntiAliased(RgbImage photo, SimilarityTransform t, int size)
    {
        if (t.Scale < 0.5) (photo, t) = CutVisibleRegion(photo, t, size);
        while (t.Scale < 0.5 && photo.Width >= 4 && photo.Height >= 4)
        {
            photo = AffineWarp.Resize(photo, photo.Width / 2, photo.Height / 2);
            // A halved pixel centre x' sits at source 2x' + 0.5.
            t = new SimilarityTransform(2 * t.A, 2 * t.B, t.Tx + 0.5 * (t.A - t.B), t.Ty + 0.5 * (t.B + t.A));
        }
        return AffineWarp.Warp(photo, t, size, size);
    }

    private static (RgbImage, SimilarityTransform) CutVisibleRegion(RgbImage photo, SimilarityTransform t, int size)
    {
        var inv = t.Inverse();
        var corners = new[] { inv.Apply(new PointF(-1, -1)), inv.Apply(new PointF(size, -1)), inv.Apply(new PointF(-1, size)), inv.Apply(new PointF(size, size)) };
        int x0 = Math.Max(0, (int)Math.Floor(corners.Min(c => c.X)) - 2), y0 = Math.Max(0, (int)Math.Floor(corners.Min(c => c.Y)) - 2);
        int x1 = Math.Min(photo.Width, (int)Math.Ceiling(corners.Max(c => c.X)) + 3), y1 = Math.Min(photo.Height, (int)Math.Ceiling(corners.Max(c => c.Y)) + 3);
        // Keep an even origin so halving stays on the photo's own 2×2 grid.
        x0 -= x0 % 2; y0 -= y0 % 2;
        int w = x1 - x0, h = y1 - y0;
        if (w < 4 || h < 4 || (w == photo.Width && h == photo.Height)) return (photo, t);
        var cut = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                Array.Copy(photo.Pixels, c * photo.PlaneSize + (y0 + y) * photo.Width + x0, cut.Pixels, c * cut.PlaneSize + y * w, w);
        // A cut pixel p sits at photo p + (x0, y0).
        return (cut, new SimilarityTransform(t.A, t.B, t.Tx + t.A * x0 - t.B * y0, t.Ty + t.B * x0 + t.A * y0));
    }
}
