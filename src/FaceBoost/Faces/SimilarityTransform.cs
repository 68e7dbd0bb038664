using System.Drawing;

namespace FaceBoost.Faces;

/// <summary>A 2-D similarity (rotation, uniform scale, translation; never a reflection):
/// x' = A·x − B·y + Tx, y' = B·x + A·y + Ty, with scale = √(A²+B²) and angle = atan2(B, A).</summary>
public readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    public static SimilarityTransform Identity => new(1, 0, 0, 0);

    public double Scale => Math.Sqrt(A * A + B * B);
    public double AngleRadians => Math.Atan2(B, A);

    public static SimilarityTransform FromScaleRotation(double scale, double angleRadians, double tx, double ty)
        => new(scale * Math.Cos(angleRadians), scale * Math.Sin(angleRadians), tx, ty);

    public PointF Apply(PointF p) => new((float)(A * p.X - B * p.Y + Tx), (float)(B * p.X + A * p.Y + Ty));

    public SimilarityTransform Inverse()
    {
        double d = A * A + B * B;
        if (d == 0) throw new InvalidOperationException("a similarity with zero scale has no inverse");
        // Inverse of the matrix [[A,-B],[B,A]] is [[A,B],[-B,A]]/d; then undo the translation.
        double ia = A / d, ib = -B / d;
        return new(ia, ib, -(ia * Tx - ib * Ty), -(ib * Tx + ia * Ty));
    }

    /// <summary>The 2×3 row-major affine matrix [a, -b, tx, b, a, ty] (OpenCV's warpAffine layout).</summary>
    public double[] ToAffine() => [A, -B, Tx, B, A, Ty];

    /// <summary>Least-squares similarity mapping <paramref name="source"/> onto <paramref name="target"/>
    /// (Umeyama 1991, restricted to proper rotations). Needs at least two distinct source points.</summary>
    public static SimilarityTransform Estimate(IReadOnlyList<PointF> source, IReadOnlyList<PointF> target)
    {
        if (source.Count != target.Count)
            throw new ArgumentException($"{source.Count} source points but {target.Count} target points");
        int n = source.Count;
        if (n < 2) throw new ArgumentException("a similarity needs at least two point pairs");

        double msx = 0, msy = 0, mtx = 0, mty = 0;
        for (int i = 0; i < n; i++) { msx += source[i].X; msy += source[i].Y; mtx += target[i].X; mty += target[i].Y; }
        msx /= n; msy /= n; mtx /= n; mty /= n;

        // In complex form the optimum is z = Σ conj(s)·t / Σ|s|², with s, t centred: this is Umeyama's
        // closed form in 2-D, and because z is a complex number it can only rotate and scale, never mirror.
        double num_re = 0, num_im = 0, var = 0;
        for (int i = 0; i < n; i++)
        {
            double sx = source[i].X - msx, sy = source[i].Y - msy;
            double tx = target[i].X - mtx, ty = target[i].Y - mty;
            num_re += sx * tx + sy * ty;
            num_im += sx * ty - sy * tx;
            var += sx * sx + sy * sy;
        }
        if (var < 1e-12) throw new ArgumentException("source points coincide; no similarity is defined");
        double a = num_re / var, b = num_im / var;
        return new(a, b, mtx - (a * msx - b * msy), mty - (b * msx + a * msy));
    }

    /// <summary>Root-mean-square distance between the mapped source and the target points.</summary>
    public double RmsError(IReadOnlyList<PointF> source, IReadOnlyList<PointF> target)
    {
        double sum = 0;
        for (int i = 0; i < source.Count; i++)
        {
            var p = Apply(source[i]);
            double dx = p.X - target[i].X, dy = p.Y - target[i].Y;
            sum += dx * dx + dy * dy;
        }
        return Math.Sqrt(sum / source.Count);
    }
}
