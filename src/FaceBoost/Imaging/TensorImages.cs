using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Imaging;

/// <summary>Converts between <see cref="RgbImage"/>s (pixels in [0, 1]) and float32 N×3×H×W tensors, in one of two
/// ranges, each with its own methods:
/// <list type="bullet">
/// <item>signed, [−1, 1] (StyleGAN, pSp, arcface): <see cref="ToSignedTensor(IReadOnlyList{RgbImage})"/>,
/// <see cref="FromSignedTensor"/>, <see cref="SignedToImage"/>;</item>
/// <item>normalised, (pixel − mean) / std (a loader's transform): <see cref="Normalise"/>,
/// <see cref="ToNormalisedTensor"/>, <see cref="FromNormalisedTensor"/>.</item>
/// </list>
/// Values are scaled in managed code: an implicit TorchSharp Scalar (`x.sub(1.0)`) can be finalized mid-op
/// (docs/torchsharp-hazards.md).</summary>
public static class TensorImages
{
    private const float SignedMean = 0.5f, SignedStd = 0.5f;

    /// <summary>Stacks same-sized images into an N×3×H×W tensor in [−1, 1].</summary>
    public static Tensor ToSignedTensor(IReadOnlyList<RgbImage> images) => ToNormalisedTensor(images, SignedMean, SignedStd);

    /// <summary>One image as a 1×3×H×W tensor in [−1, 1].</summary>
    public static Tensor ToSignedTensor(RgbImage image) => ToNormalisedTensor([image], SignedMean, SignedStd);

    /// <summary>Images of an N×3×H×W (or 3×H×W, or 1-channel) tensor in [−1, 1], clamped to [0, 1].</summary>
    public static IReadOnlyList<RgbImage> FromSignedTensor(Tensor t) => FromNormalisedTensor(t, SignedMean, SignedStd);

    /// <summary>The single image of a 3×H×W (or 1×3×H×W) tensor in [−1, 1], clamped.</summary>
    public static RgbImage SignedToImage(Tensor t)
    {
        var images = FromSignedTensor(t);
        if (images.Count != 1) throw new ArgumentException($"expected one image, the tensor holds {images.Count}", nameof(t));
        return images[0];
    }

    /// <summary>Stacks same-sized images into an N×3×H×W tensor of (pixel − mean) / std.</summary>
    public static Tensor ToNormalisedTensor(IReadOnlyList<RgbImage> images, float mean, float std)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("no images to stack", nameof(images));
        int w = images[0].Width, h = images[0].Height;
        int per = 3 * w * h;
        var buf = new float[images.Count * per];
        for (int n = 0; n < images.Count; n++)
        {
            var img = images[n] ?? throw new ArgumentNullException(nameof(images), $"image {n} is null");
            if (img.Width != w || img.Height != h)
                throw new ArgumentException($"image {n} is {img.Width}x{img.Height}, image 0 is {w}x{h}: all must match", nameof(images));
            Normalise(img.Pixels, buf.AsSpan(n * per, per), mean, std);
        }
        return torch.tensor(buf, new long[] { images.Count, 3, h, w }, dtype: ScalarType.Float32);
    }

    /// <summary>(x − mean) / std for every value; <paramref name="dst"/> may be a slice of a batch buffer.</summary>
    public static void Normalise(ReadOnlySpan<float> src, Span<float> dst, float mean, float std)
    {
        if (std == 0) throw new ArgumentOutOfRangeException(nameof(std), "std must not be 0");
        if (dst.Length != src.Length) throw new ArgumentException($"destination has {dst.Length} values, source {src.Length}");
        float inv = 1f / std;
        for (int i = 0; i < src.Length; i++) dst[i] = (src[i] - mean) * inv;
    }

    /// <summary>Images from a 3×H×W or N×3×H×W tensor of (pixel − mean) / std (any float dtype, any device); values are
    /// un-normalised and clamped to [0, 1]. A 1-channel tensor is expanded to grey RGB.</summary>
    public static IReadOnlyList<RgbImage> FromNormalisedTensor(Tensor t, float mean, float std)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var scope = torch.NewDisposeScope();
        var x = t.detach();
        GC.KeepAlive(t); // a caller's temporary stays reachable until detach() has read it
        if (x.dim() == 3) x = x.unsqueeze(0);
        if (x.dim() != 4 || (x.shape[1] != 3 && x.shape[1] != 1))
            throw new ArgumentException($"expected a C×H×W or N×C×H×W tensor with C = 1 or 3, got shape [{string.Join(", ", t.shape)}]", nameof(t));
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        x = x.to(ScalarType.Float32).cpu().contiguous();
        int n = (int)x.shape[0], h = (int)x.shape[2], w = (int)x.shape[3];
        var all = ScaleShift(x.data<float>().ToArray(), std, mean, 0f, 1f);
        var result = new RgbImage[n];
        int per = 3 * h * w;
        for (int i = 0; i < n; i++) result[i] = new RgbImage(w, h, all.AsSpan(i * per, per).ToArray());
        return result;
    }

    /// <summary>Centre square crop (offsets rounded down; aligned faces are often taller than wide), then resize to
    /// size×size: area averaging (adaptive average pooling, which is what interpolate's "area" mode runs) when shrinking
    /// or keeping the size, bilinear (align_corners false) when enlarging. N×C×H×W in any value range; a new tensor.</summary>
    public static Tensor CropSquareResize(Tensor images, int size)
    {
        var h = images.shape[2];
        var w = images.shape[3];
        var side = Math.Min(h, w);
        using var scope = NewDisposeScope();
        var square = images.narrow(2, (h - side) / 2, side).narrow(3, (w - side) / 2, side);
        return (side >= size
            ? nn.functional.adaptive_avg_pool2d(square, new long[] { size, size })
            : nn.functional.interpolate(square, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false)).MoveToOuterDisposeScope();
    }

    /// <summary>v·scale + shift, clamped to [lo, hi], in a new array.</summary>
    public static float[] ScaleShift(ReadOnlySpan<float> values, float scale, float shift, float lo, float hi)
    {
        var r = new float[values.Length];
        for (var i = 0; i < r.Length; i++) r[i] = Math.Clamp(values[i] * scale + shift, lo, hi);
        return r;
    }
}
