using System.Drawing;
using FaceBoost.Faces;
using FaceBoost.Imaging;

namespace FaceBoost.Tests.Faces;

public sealed class AffineWarpTests
{
    // A black image with single bright dots at given points.
    private static RgbImage Dots(int w, int h, IEnumerable<Point> dots)
    {
        var img = new RgbImage(w, h);
        foreach (var d in dots)
            for (int c = 0; c < 3; c++) img[c, d.Y, d.X] = 1f;
        return img;
    }

    private static PointF Centroid(RgbImage img, int cx, int cy, int radius)
    {
        double sx = 0, sy = 0, sw = 0;
        for (int y = Math.Max(0, cy - radius); y <= Math.Min(img.Height - 1, cy + radius); y++)
            for (int x = Math.Max(0, cx - radius); x <= Math.Min(img.Width - 1, cx + radius); x++)
            { double v = img[0, y, x]; sx += v * x; sy += v * y; sw += v; }
        return new PointF((float)(sx / sw), (float)(sy / sw));
    }

    [Fact]
    public void Warp_moves_known_points_where_the_transform_says()
    {
        var src = new[] { new Point(60, 50), new Point(140, 70), new Point(90, 160) };
        var img = Dots(200, 200, src);
        var t = SimilarityTransform.FromScaleRotation(0.8, 0.5, 20, -10);
        var warped = AffineWarp.Warp(img, t, 200, 200);
        foreach (var s in src)
        {
            var expected = t.Apply(s);
            var got = Centroid(warped, (int)MathF.Round(expected.X), (int)MathF.Round(expected.Y), 3);
            Assert.True(Math.Abs(got.X - expected.X) < 0.25 && Math.Abs(got.Y - expected.Y) < 0.25,
                $"dot {s} expected at {expected}, found at {got}");
        }
    }

    [Fact]
    public void Identity_warp_keeps_the_image_and_outside_is_black()
    {
        var rng = new Random(1);
        var img = new RgbImage(17, 11, Enumerable.Range(0, 3 * 17 * 11).Select(_ => (float)rng.NextDouble()).ToArray());
        var same = AffineWarp.Warp(img, SimilarityTransform.Identity, 17, 11);
        Assert.Equal(img.Pixels, same.Pixels);
        var shifted = AffineWarp.Warp(img, new SimilarityTransform(1, 0, 5, 0), 17, 11);
        Assert.Equal(0f, shifted[1, 4, 2]);
        Assert.Equal(img[1, 4, 2], shifted[1, 4, 7], 5);
    }

    [Fact]
    public void Aligner_maps_synthetic_landmarks_onto_the_template()
    {
        // Place dots where a rotated, scaled "face" has its landmarks; aligning must put them on the template.
        var template = ArcFaceTemplate.Points(112);
        var face = SimilarityTransform.FromScaleRotation(2.2, -0.3, 150, 90);
        var landmarks = template.Select(face.Apply).ToArray();
        var img = Dots(400, 400, landmarks.Select(p => new Point((int)MathF.Round(p.X), (int)MathF.Round(p.Y))));
        var crop = new FaceAligner(new AlignmentOptions(OutputSize: 112)).Align(img, landmarks);
        foreach (var tp in template)
        {
            var got = Centroid(crop, (int)MathF.Round(tp.X), (int)MathF.Round(tp.Y), 3);
            Assert.True(Math.Abs(got.X - tp.X) < 0.6 && Math.Abs(got.Y - tp.Y) < 0.6, $"template point {tp} found at {got}");
        }
    }
}
