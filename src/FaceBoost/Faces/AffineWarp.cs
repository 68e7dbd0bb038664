using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>Bilinear affine resampling by inverse mapping. Pixels whose source falls outside the
/// image are black (as insightface's cv2.warpAffine default), so a crop never smears edge pixels
/// into a face; pixel centres are at integer coordinates (OpenCV convention).</summary>
public static class AffineWarp
{
    /// <summary>Warps <paramref name="src"/> by the forward 2×3 matrix <paramref name="forward"/>
    /// (source → output, row-major [a, b, c, d, e, f]) into an <paramref name="outW"/>×<paramref name="outH"/> image.</summary>
    public static RgbImage Warp(RgbImage src, double[] forward, int outW, int outH)
    {
        if (forward.Length != 6) throw new ArgumentException($"an affine matrix has 6 values, got {forward.Length}", nameof(forward));
        double a = forward[0], b = forward[1], c = forward[2], d = forward[3], e = forward[4], f = forward[5];
        double det = a * e - b * d;
        if (Math.Abs(det) < 1e-12) throw new ArgumentException("the affine matrix is singular", nameof(forward));
        // Inverse: output → source.
        double ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
        double ic = -(ia * c + ib * f), iff = -(id * c + ie * f);
        return WarpInverse(src, [ia, ib, ic, id, ie, iff], outW, outH);
    }

    public static RgbImage Warp(RgbImage src, SimilarityTransform forward, int outW, int outH)
        => Warp(src, forward.ToAffine(), outW, outH);

    /// <summary>Warps with an inverse matrix (output pixel → source position).</summary>
    public static RgbImage WarpInverse(RgbImage src, double[] inverse, int outW, int outH)
    {
        if (outW <= 0 || outH <= 0) throw new ArgumentOutOfRangeException(nameof(outW), $"output size {outW}x{outH} is not positive");
        var dst = new RgbImage(outW, outH);
        int w = src.Width, h = src.Height, plane = src.PlaneSize, oplane = dst.PlaneSize;
        var sp = src.Pixels; var dp = dst.Pixels;
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                double sx = inverse[0] * x + inverse[1] * y + inverse[2];
                double sy = inverse[3] * x + inverse[4] * y + inverse[5];
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue; // wholly outside: black
                float fx = (float)(sx - x0), fy = (float)(sy - y0);
                float w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
                bool in00 = x0 >= 0 && y0 >= 0, in10 = x0 + 1 < w && y0 >= 0, in01 = x0 >= 0 && y0 + 1 < h, in11 = x0 + 1 < w && y0 + 1 < h;
                int i00 = y0 * w + x0;
                int o = y * outW + x;
                for (int ch = 0; ch < 3; ch++)
                {
                    int cb = ch * plane;
                    float v = 0;
                    if (in00) v += w00 * sp[cb + i00];
                    if (in10) v += w10 * sp[cb + i00 + 1];
                    if (in01) v += w01 * sp[cb + i00 + w];
                    if (in11) v += w11 * sp[cb + i00 + w + 1];
                    dp[ch * oplane + o] = v;
                }
            }
        }
        return dst;
    }

    /// <summary>Plain bilinear resize to <paramref name="outW"/>×<paramref name="outH"/> (pixel-centre aligned),
    /// box-averaging first when shrinking by 2× or more so fine detail does not alias.</summary>
    public static RgbImage Resize(RgbImage src, int outW, int outH)
    {
        while (src.Width >= 2 * outW && src.Height >= 2 * outH) src = HalveBox(src);
        double sx = src.Width / (double)outW, sy = src.Height / (double)outH;
        return WarpInverseClamped(src, sx, sy, outW, outH);
    }

    // Resizing samples inside the image by construction; clamp instead of blacking the last row.
    private static RgbImage WarpInverseClamped(RgbImage src, double sx, double sy, int outW, int outH)
    {
        var dst = new RgbImage(outW, outH);
        int w = src.Width, h = src.Height, plane = src.PlaneSize, oplane = dst.PlaneSize;
        var sp = src.Pixels; var dp = dst.Pixels;
        for (int y = 0; y < outH; y++)
        {
            double fy0 = Math.Clamp((y + 0.5) * sy - 0.5, 0, h - 1);
            int y0 = (int)fy0, y1 = Math.Min(y0 + 1, h - 1); float fy = (float)(fy0 - y0);
            for (int x = 0; x < outW; x++)
            {
                double fx0 = Math.Clamp((x + 0.5) * sx - 0.5, 0, w - 1);
                int x0 = (int)fx0, x1 = Math.Min(x0 + 1, w - 1); float fx = (float)(fx0 - x0);
                for (int ch = 0; ch < 3; ch++)
                {
                    int cb = ch * plane;
                    float top = sp[cb + y0 * w + x0] * (1 - fx) + sp[cb + y0 * w + x1] * fx;
                    float bot = sp[cb + y1 * w + x0] * (1 - fx) + sp[cb + y1 * w + x1] * fx;
                    dp[ch * oplane + y * outW + x] = top * (1 - fy) + bot * fy;
                }
            }
        }
        return dst;
    }

    private static RgbImage HalveBox(RgbImage src)
    {
        int w = src.Width / 2, h = src.Height / 2;
        var dst = new RgbImage(w, h);
        int sw = src.Width, plane = src.PlaneSize, oplane = dst.PlaneSize;
        for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int i = ch * plane + 2 * y * sw + 2 * x;
                    dst.Pixels[ch * oplane + y * w + x] = 0.25f * (src.Pixels[i] + src.Pixels[i + 1] + src.Pixels[i + sw] + src.Pixels[i + sw + 1]);
                }
        return dst;
    }
}
