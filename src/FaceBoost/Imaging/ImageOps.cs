namespace FaceBoost.Imaging;

/// <summary>Geometric operations on <see cref="RgbImage"/>. All return new images; inputs are never changed.</summary>
public static class ImageOps
{
    /// <summary>Resizes with a bilinear (triangle) filter, pixel centres aligned as in PyTorch's
    /// <c>interpolate(align_corners=False)</c>. When shrinking and <paramref name="antialias"/> is on, the
    /// triangle is widened by the scale factor (as PIL and torchvision's antialiased resize do), so every
    /// source pixel contributes and small faces do not alias; enlarging is plain bilinear either way.</summary>
    public static RgbImage Resize(RgbImage src, int width, int height, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"target size {width}x{height} is not positive");
        if (width == src.Width && height == src.Height) return Clone(src);
        var xs = ResampleWeights.Build(src.Width, width, antialias);
        var ys = ResampleWeights.Build(src.Height, height, antialias);
        int sw = src.Width, sh = src.Height;
        var tmp = new float[sh * width];   // one channel, resized horizontally
        var dst = new RgbImage(width, height);
        var sp = src.Pixels; var dp = dst.Pixels;
        for (int c = 0; c < 3; c++)
        {
            int sBase = c * sw * sh, dBase = c * width * height;
            for (int y = 0; y < sh; y++)
            {
                int row = sBase + y * sw;
                for (int x = 0; x < width; x++)
                {
                    int start = xs.Start[x], count = xs.Count[x], wo = x * xs.MaxTaps;
                    float acc = 0;
                    for (int k = 0; k < count; k++) acc += sp[row + start + k] * xs.Weights[wo + k];
                    tmp[y * width + x] = acc;
                }
            }
            for (int y = 0; y < height; y++)
            {
                int start = ys.Start[y], count = ys.Count[y], wo = y * ys.MaxTaps;
                int drow = dBase + y * width;
                for (int x = 0; x < width; x++) dp[drow + x] = 0;
                for (int k = 0; k < count; k++)
                {
                    float w = ys.Weights[wo + k];
                    int trow = (start + k) * width;
                    for (int x = 0; x < width; x++) dp[drow + x] += tmp[trow + x] * w;
                }
            }
        }
        return dst;
    }

    /// <summary>Resizes so that the shorter side becomes <paramref name="shorterSide"/>, keeping the aspect ratio
    /// (torchvision's <c>Resize(int)</c>).</summary>
    public static RgbImage ResizeShorterSide(RgbImage src, int shorterSide, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (shorterSide <= 0) throw new ArgumentOutOfRangeException(nameof(shorterSide), "must be positive");
        (int w, int h) = src.Width <= src.Height
            ? (shorterSide, Math.Max(1, (int)((long)src.Height * shorterSide / src.Width)))
            : (Math.Max(1, (int)((long)src.Width * shorterSide / src.Height)), shorterSide);
        return Resize(src, w, h, antialias);
    }

    /// <summary>The <paramref name="width"/>×<paramref name="height"/> rectangle at (x, y); it must lie inside the image.</summary>
    public static RgbImage Crop(RgbImage src, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (width <= 0 || height <= 0 || x < 0 || y < 0 || x + width > src.Width || y + height > src.Height)
            throw new ArgumentOutOfRangeException(nameof(x),
                $"crop {width}x{height} at ({x},{y}) does not fit inside a {src.Width}x{src.Height} image");
        var dst = new RgbImage(width, height);
        for (int c = 0; c < 3; c++)
            for (int r = 0; r < height; r++)
                Array.Copy(src.Pixels, c * src.PlaneSize + (y + r) * src.Width + x, dst.Pixels, c * dst.PlaneSize + r * width, width);
        return dst;
    }

    /// <summary>The centred <paramref name="width"/>×<paramref name="height"/> crop (offsets rounded down, as torchvision
    /// rounds (W−w)/2). An image smaller than the crop is first enlarged (shorter side) so the crop fits.</summary>
    public static RgbImage CenterCrop(RgbImage src, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        src = EnsureAtLeast(src, width, height);
        return Crop(src, (src.Width - width) / 2, (src.Height - height) / 2, width, height);
    }

    /// <summary>Centres the image on a square canvas of its longer side, filled with <paramref name="fill"/>.</summary>
    public static RgbImage PadToSquare(RgbImage src, float fill = 0f)
    {
        ArgumentNullException.ThrowIfNull(src);
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

    /// <summary>Mirrors left↔right.</summary>
    public static RgbImage FlipHorizontal(RgbImage src)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new RgbImage(src.Width, src.Height);
        int w = src.Width;
        var sp = src.Pixels; var dp = dst.Pixels;
        for (int row = 0; row < 3 * src.Height; row++)
        {
            int o = row * w;
            for (int x = 0; x < w; x++) dp[o + x] = sp[o + w - 1 - x];
        }
        return dst;
    }

    /// <summary>Luma (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B) copied into all three channels.</summary>
    public static RgbImage ToGrey(RgbImage src)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new RgbImage(src.Width, src.Height);
        int n = src.PlaneSize;
        var sp = src.Pixels; var dp = dst.Pixels;
        for (int i = 0; i < n; i++)
        {
            float v = 0.299f * sp[i] + 0.587f * sp[n + i] + 0.114f * sp[2 * n + i];
            dp[i] = v; dp[n + i] = v; dp[2 * n + i] = v;
        }
        return dst;
    }

    public static RgbImage Clone(RgbImage src) => new(src.Width, src.Height, (float[])src.Pixels.Clone());

    /// <summary>Enlarges (shorter side first, aspect kept) only if the image is smaller than the size asked for.</summary>
    internal static RgbImage EnsureAtLeast(RgbImage src, int width, int height)
    {
        if (src.Width >= width && src.Height >= height) return src;
        double s = Math.Max((double)width / src.Width, (double)height / src.Height);
        int w = Math.Max(width, (int)Math.Ceiling(src.Width * s - 1e-9));
        int h = Math.Max(height, (int)Math.Ceiling(src.Height * s - 1e-9));
        return Resize(src, w, h);
    }
}
