using System.Drawing;
using FaceBoost.Faces;

namespace FaceBoost.Tests.Faces;

public sealed class LandmarkCheckTests
{
    private static DetectedFace Frontal(Func<PointF, PointF>? edit = null, float score = 0.9f)
    {
        // The 112 template is a plausible frontal face in a box around it.
        var lm = ArcFaceTemplate.Points(112).Select(p => edit is null ? p : edit(p)).ToArray();
        return new DetectedFace(new RectangleF(20, 20, 72, 90), score, lm);
    }

    [Fact]
    public void A_frontal_face_is_plausible() => Assert.Null(LandmarkCheck.Problem(Frontal(), new AlignmentOptions()));

    [Fact]
    public void Upside_down_landmarks_are_refused()
        => Assert.NotNull(LandmarkCheck.Problem(Frontal(p => new PointF(112 - p.X, 112 - p.Y)), new AlignmentOptions()));

    [Fact]
    public void Mirrored_landmark_order_is_refused()
        => Assert.NotNull(LandmarkCheck.Problem(Frontal(p => new PointF(112 - p.X, p.Y)), new AlignmentOptions()));

    [Fact]
    public void Landmarks_far_outside_the_box_are_refused()
        => Assert.Contains("outside", LandmarkCheck.Problem(Frontal(p => new PointF(p.X + 80, p.Y)), new AlignmentOptions()));

    [Fact]
    public void Low_score_is_refused()
        => Assert.Contains("score", LandmarkCheck.Problem(Frontal(score: 0.3f), new AlignmentOptions()));

    [Fact]
    public void Collapsed_eyes_are_refused()
    {
        var f = Frontal();
        var lm = f.Landmarks.ToArray();
        lm[1] = new PointF(lm[0].X + 2, lm[0].Y);
        Assert.NotNull(LandmarkCheck.Problem(f with { Landmarks = lm }, new AlignmentOptions()));
    }
}
