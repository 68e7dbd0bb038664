using SkiaSharp;

namespace FaceBoost.Imaging;

/// <summary>Decodes JPEG, PNG, GIF (first frame), BMP, WebP and PGM/PPM by content into RGB,
/// honouring JPEG EXIF orientation. Every failure is an <see cref="ImageDecodeException"/> naming the file.</summary>
public static class ImageDecoder
{
    /// <summary>Largest image (width × height, as the file header declares it) any decoder accepts; checked before
    /// anything is allocated. The default, 64 MP, fits every face photo; a file claiming more is rejected.</summary>
    public static long MaxPixels
    {
        get => Interlocked.Read(ref _maxPixels);
        set => Interlocked.Exchange(ref _maxPixels, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"{value}: the pixel cap must be positive"));
    }
    private static long _maxPixels = DefaultMaxPixels;
    public const long DefaultMaxPixels = 64L << 20;

    /// <summary>Rejects a declared size that is not positive or exceeds <see cref="MaxPixels"/>.</summary>
    public static void CheckDeclaredSize(long width, long height, string source, string format)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(source, $"{format} header declares an empty or negative size {width}x{height}");
        if (width * height > MaxPixels)
            throw new ImageDecodeException(source, $"{format} header declares {width}x{height} ({width * height / 1e6:0.#} MP), more than the {MaxPixels / 1e6:0.#} MP limit");
    }

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

    /// <summary>Rejects a header whose size the file's data cannot possibly encode (a tiny file claiming a huge image),
    /// before pixel memory is allocated: deflate expands at most ~1032:1, so a PNG needs at least 1/1100 of its raw
    /// scanlines; a JPEG or GIF needs well over one bit per 64 pixels, so at least 1 byte per 4096 pixels is required.</summary>
    private static void CheckDataCanHold(byte[] bytes, SKEncodedImageFormat format, long width, long height, string source)
    {
        long minBytes = format switch
        {
            SKEncodedImageFormat.Png => height * PngRowBytes(bytes, width) / 1100,
            SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Gif => width * height / 4096,
            _ => 0,
        };
        if (bytes.Length < minBytes)
            throw new ImageDecodeException(source, $"{format.ToString().ToUpperInvariant()} of {bytes.Length} bytes cannot hold the {width}x{height} image its header declares (truncated or forged)");
    }

    // One PNG scanline: filter byte + width × channels × bit depth bits (IHDR: depth at byte 24, colour type at 25).
    private static long PngRowBytes(byte[] png, long width)
    {
        int depth = png.Length > 25 ? png[24] : 1;
        int channels = png.Length > 25 ? png[25] switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 } : 1;
        if (depth is not (1 or 2 or 4 or 8 or 16)) depth = 1;
        return 1 + (width * channels * depth + 7) / 8;
    }

    private static RgbImage DecodeWithSkia(byte[] bytes, string source, int minShorterSide)
    {
        using var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out var result)
            ?? throw new ImageDecodeException(source, $"decoder rejected the file ({result})");
        // The header's size is checked before any pixel memory exists.
        CheckDeclaredSize(codec.Info.Width, codec.Info.Height, source, codec.EncodedFormat.ToString().ToUpperInvariant());
        CheckDataCanHold(bytes, codec.EncodedFormat, codec.Info.Width, codec.Info.Height, source);
        var size = codec.Info.Size;
        if (minShorterSide > 0)
            foreach (var scale in new[] { 0.125f, 0.25f, 0.5f })
            {
                var scaled = codec.GetScaledDimensions(scale);
                if (scaled.Width < size.Width && Math.Min(scaled.Width, scaled.Height) >= minShorterSide) { size = scaled; break; }
            }
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        CheckDeclaredSize(info.Width, info.Height, source, "scaled");
        // Managed pixel buffer: its size is accounted to the decoding thread like every other allocation.
        var rgba = GC.AllocateUninitializedArray<byte>(checked(info.Width * info.Height * 4));
        SKCodecResult status;
        unsafe { fixed (byte* p = rgba) status = codec.GetPixels(info, (nint)p); }
        // IncompleteInput still yields the decoded rows, but a truncated photo is not a training sample.
        if (status != SKCodecResult.Success)
            throw new ImageDecodeException(source, $"decode failed ({status})");
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
