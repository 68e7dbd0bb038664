using System.Drawing;
using FaceBoost.Faces;

namespace FaceBoost.Tests.Faces;

public sealed class SimilarityTransformTests
{
    private static PointF[] Landmarks() => ArcFaceTemplate.Points(112);

    [Theory]
    [InlineData(1.0, 0.0, 0.0, 0.0)]
    [InlineData(2.5, 30.0, 100.0, -40.0)]
    [InlineData(0.3, -75.0, 12.5, 300.0)]
    [InlineData(4.0, 170.0, -5.0, 7.0)]
    public void Recovers_a_known_similarity_exactly(double scale, double degrees, double tx, double ty)
    {
        var truth = SimilarityTransform.FromScaleRotation(scale, degrees * Math.PI / 180, tx, ty);
        var src = Landmarks();
        var dst = src.Select(truth.Apply).ToArray();

        var est = SimilarityTransform.Estimate(src, dst);

        Assert.Equal(scale, est.Scale, 4);
        Assert.Equal(0, Math.IEEERemainder(degrees * Math.PI / 180 - est.AngleRadians, 2 * Math.PI), 5);
        Assert.Equal(tx, est.Tx, 2);
        Assert.Equal(ty, est.Ty, 2);
        Assert.True(est.RmsError(src, dst) < 1e-3);
    }

    [Fact]
    public void Inverse_undoes_the_transform()
    {
        var t = SimilarityTransform.FromScaleRotation(1.7, 0.4, 20, -3);
        var p = new PointF(13.5f, 77.25f);
        var back = t.Inverse().Apply(t.Apply(p));
        Assert.Equal(p.X, back.X, 3);
        Assert.Equal(p.Y, back.Y, 3);
    }

    [Fact]
    public void Noisy_landmarks_give_a_close_estimate()
    {
        var truth = SimilarityTransform.FromScaleRotation(3.2, 0.35, 250, 120);
        var rng = new Random(4);
        double worstScale = 0, worstAngle = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            var src = Landmarks();
            // ±1 px Gaussian noise on landmarks ~110 px apart after scaling.
            var dst = src.Select(p => truth.Apply(p)).Select(p => new PointF(p.X + Gauss(rng), p.Y + Gauss(rng))).ToArray();
            var est = SimilarityTransform.Estimate(src, dst);
            worstScale = Math.Max(worstScale, Math.Abs(est.Scale / truth.Scale - 1));
            worstAngle = Math.Max(worstAngle, Math.Abs(est.AngleRadians - truth.AngleRadians));
        }
        Assert.True(worstScale < 0.03, $"scale off by {worstScale:P2}");
        Assert.True(worstAngle < 0.03, $"angle off by {worstAngle:F4} rad");
    }

    [Fact]
    public void A_mirrored_target_is_fitted_without_reflection()
    {
        var src = Landmarks();
        var mirrored = src.Select(p => new PointF(112 - p.X, p.Y)).ToArray();
        var est = SimilarityTransform.Estimate(src, mirrored);
        var m = est.ToAffine();
        double det = m[0] * m[4] - m[1] * m[3];
        Assert.True(det >= 0, $"determinant {det} means a reflection");
        // The best proper similarity cannot reproduce a mirror: the fit error stays large.
        Assert.True(est.RmsError(src, mirrored) > 5);
    }

    [Fact]
    public void Coincident_points_are_refused()
    {
        var p = new PointF(3, 4);
        Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate([p, p, p], [new(0, 0), new(1, 1), new(2, 2)]));
    }

    private static float Gauss(Random r) => (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
}
