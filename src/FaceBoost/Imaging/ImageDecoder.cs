using SkiaSharp;

namespace FaceBoost.Imaging;

/// <summary>Decodes JPEG, PNG, GIF (first frame), BMP, WebP and PGM/PPM by content into RGB,
/// honouring JPEG EXIF orientation. Every failure is an <see cref="ImageDecodeException"/> naming the file.</summary>
public static class ImageDecoder
{
    /// <param name="minShorterSide">When positive, a JPEG may be decoded at a reduced scale (1/2, 1/4, 1/8 — the
    /// decoder's cheap DCT scaling) as long as its shorter side stays at least this many pixels. The loader passes
    /// the size its transform resizes to, which makes large photos several times cheaper to decode.</param>
    public static RgbImage Decode(string path, int minShorterSide = 0)
    {
        // An image inside a container (e.g. an insightface train.rec, rec://<file>#<key>) registered as a store.
        if (ImageStores.Find(path) is { } store) return Decode(store.ReadBytes(path), path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new ImageDecodeException(path, "cannot read file: " + ex.Message, ex); }
        return Decode(bytes, path, minShorterSide);
    }

    public static RgbImage Decode(byte[] bytes, string source, int minShorterSide = 0)
    {
        if (bytes.Length == 0) throw new ImageDecodeException(source, "file is empty");
        var format = ImageFormatSniffer.Sniff(bytes.AsSpan(0, Math.Min(16, bytes.Length)));
        return format switch
        {
            ImageFormat.Unknown => throw new ImageDecodeException(source, "not a recognised image format (JPEG, PNG, GIF, BMP, WebP, PGM/PPM)"),
            ImageFormat.Pnm => PnmDecoder.Decode(bytes, source),
            _ => DecodeWithSkia(bytes, source, minShorterSide),
        };
    }

    private static RgbImage DecodeWithSkia(byte[] bytes, string source, int minShorterSide)
    {
        using var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out var result)
            ?? throw new ImageDecodeException(source, $"decoder rejected the file ({result})");
        var size = codec.Info.Size;
        if (minShorterSide > 0)
            foreach (var scale in new[] { 0.125f, 0.25f, 0.5f })
            {
                var scaled = codec.GetScaledDimensions(scale);
                if (scaled.Width < size.Width && Math.Min(scaled.Width, scaled.Height) >= minShorterSide) { size = scaled; break; }
            }
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > 1L << 28)
            throw new ImageDecodeException(source, $"implausible image size {info.Width}x{info.Height}");
        using var bitmap = new SKBitmap(info);
        var status = codec.GetPixels(info, bitmap.GetPixels());
        // IncompleteInput still yields the decoded rows, but a truncated photo is not a training sample.
        if (status != SKCodecResult.Success)
            throw new ImageDecodeException(source, $"decode failed ({status})");
        var rgba = bitmap.GetPixelSpan();
        var img = new RgbImage(info.Width, info.Height);
        int plane = img.PlaneSize;
        var px = img.Pixels;
        for (int i = 0; i < plane; i++)
        {
            // Explicit RGBA request: Skia's native BGRA order never reaches us.
            byte a = rgba[4 * i + 3];
            // Transparent pixels are composited on black; opaque ones are exactly v/255.
            float k = a == 255 ? 1f / 255f : a / (255f * 255f);
            px[i] = a == 255 ? rgba[4 * i] / 255f : rgba[4 * i] * k;
            px[plane + i] = a == 255 ? rgba[4 * i + 1] / 255f : rgba[4 * i + 1] * k;
            px[2 * plane + i] = a == 255 ? rgba[4 * i + 2] / 255f : rgba[4 * i + 2] * k;
        }
        return ApplyOrigin(img, codec.EncodedOrigin);
    }

    /// <summary>Rotates/flips so that the image is upright as the camera's EXIF orientation says.</summary>
    public static RgbImage ApplyOrigin(RgbImage src, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0) return src;
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = swap ? src.Height : src.Width, h = swap ? src.Width : src.Height;
        var dst = new RgbImage(w, h);
        int sw = src.Width, sh = src.Height;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                // (x, y) in the upright output → (sx, sy) in the stored image.
                (int sx, int sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (sw - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (sw - 1 - x, sh - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, sh - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, sh - 1 - x),
                    SKEncodedOrigin.RightBottom => (sw - 1 - y, sh - 1 - x),
                    SKEncodedOrigin.LeftBottom => (sw - 1 - y, x),
                    _ => (x, y),
                };
                for (int c = 0; c < 3; c++) dst[c, y, x] = src[c, sy, sx];
            }
        return dst;
    }
}
