using FaceBoost.Imaging;

namespace FaceBoost.Evaluation;

/// <summary>The few geometric operations evaluation needs on <see cref="RgbImage"/>: resize, centre crop,
/// pad to square, horizontal flip. Resize is bilinear with pixel centres aligned (as OpenCV's INTER_LINEAR),
/// preceded by box averaging when shrinking by 2× or more so that large photos do not alias.</summary>
public static class FaceResampler
{
    public static RgbImage Resize(RgbImage src, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"target size {width}x{height} is not positive");
        if (src.Width == width && src.Height == height) return src;
        // Integer box pre-shrink keeps bilinear sampling within a 2× factor.
        int fx = Math.Max(1, src.Width / (2 * width)), fy = Math.Max(1, src.Height / (2 * height));
        if (fx > 1 || fy > 1) src = BoxShrink(src, fx, fy);
        var dst = new RgbImage(width, height);
        float sx = (float)src.Width / width, sy = (float)src.Height / height;
        int sp = src.PlaneSize, dp = dst.PlaneSize;
        var s = src.Pixels; var d = dst.Pixels;
        for (int y = 0; y < height; y++)
        {
            float yy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, src.Height - 1);
            int y0 = (int)yy, y1 = Math.Min(y0 + 1, src.Height - 1);
            float wy = yy - y0;
            for (int x = 0; x < width; x++)
            {
                float xx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, src.Width - 1);
                int x0 = (int)xx, x1 = Math.Min(x0 + 1, src.Width - 1);
                float wx = xx - x0;
                for (int c = 0; c < 3; c++)
                {
                    int o = c * sp;
                    float top = s[o + y0 * src.Width + x0] * (1 - wx) + s[o + y0 * src.Width + x1] * wx;
                    float bot = s[o + y1 * src.Width + x0] * (1 - wx) + s[o + y1 * src.Width + x1] * wx;
                    d[c * dp + y * width + x] = top * (1 - wy) + bot * wy;
                }
            }
        }
        return dst;
    }

    public static RgbImage CenterCrop(RgbImage src, int width, int height)
    {
        if (width > src.Width || height > src.Height)
            throw new ArgumentException($"cannot centre-crop {width}x{height} from a {src.Width}x{src.Height} image");
        int x0 = (src.Width - width) / 2, y0 = (src.Height - height) / 2;
        var dst = new RgbImage(width, height);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                Array.Copy(src.Pixels, c * src.PlaneSize + (y0 + y) * src.Width + x0, dst.Pixels, c * dst.PlaneSize + y * width, width);
        return dst;
    }

    /// <summary>Centres the image on a square canvas of its longer side, filled with <paramref name="fill"/>.</summary>
    public static RgbImage PadToSquare(RgbImage src, float fill = 0f)
    {
        int side = Math.Max(src.Width, src.Height);
        if (src.Width == side && src.Height == side) return src;
        var dst = new RgbImage(side, side);
        Array.Fill(dst.Pixels, fill);
        int x0 = (side - src.Width) / 2, y0 = (side - src.Height) / 2;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < src.Height; y++)
                Array.Copy(src.Pixels, c * src.PlaneSize + y * src.Width, dst.Pixels, c * dst.PlaneSize + (y0 + y) * side + x0, src.Width);
        return dst;
    }

    public static RgbImage FlipHorizontal(RgbImage src)
    {
        var dst = new RgbImage(src.Width, src.Height);
        int w = src.Width;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < src.Height; y++)
            {
                int row = c * src.PlaneSize + y * w;
                for (int x = 0; x < w; x++) dst.Pixels[row + x] = src.Pixels[row + w - 1 - x];
            }
        return dst;
    }

    private static RgbImage BoxShrink(RgbImage src, int fx, int fy)
    {
        int w = src.Width / fx, h = src.Height / fy;
        var dst = new RgbImage(w, h);
        float inv = 1f / (fx * fy);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float sum = 0;
                    for (int dy = 0; dy < fy; dy++)
                    {
                        int row = c * src.PlaneSize + (y * fy + dy) * src.Width + x * fx;
                        for (int dx = 0; dx < fx; dx++) sum += src.Pixels[row + dx];
                    }
                    dst.Pixels[c * dst.PlaneSize + y * w + x] = sum * inv;
                }
        return dst;
    }
}
