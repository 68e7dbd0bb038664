using FaceBoost.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>RgbImage ⇄ tensors normalised to [-1, 1] (the generator's range).</summary>
public static class TensorImages
{
    /// <summary>1×3×H×W in [-1, 1].</summary>
    public static Tensor FromImage(RgbImage img)
    {
        // Scaled in managed code: an implicit Scalar (`x.sub(1.0)`) is reachable from nothing once its handle reaches
        // libtorch, and a GC finalizer freeing it mid-op crashed pool loading ("Unknown scalar type").
        return tensor(Imaging.TensorImages.ScaleShift(img.Pixels, 2f, -1f, float.NegativeInfinity, float.PositiveInfinity), new long[] { 1, 3, img.Height, img.Width });
    }

    /// <summary>3×H×W (or 1×3×H×W) in [-1, 1] → image, clamped.</summary>
    public static RgbImage ToImage(Tensor t)
    {
        if (t.dim() == 4) t = t[0];
        if (t.dim() != 3 || t.shape[0] != 3) throw new ArgumentException($"expected a 3×H×W image tensor, got [{string.Join(",", t.shape)}]");
        using var scope = NewDisposeScope();
        var raw = t.detach().cpu().to(float32).contiguous().data<float>().ToArray();
        return new RgbImage((int)t.shape[2], (int)t.shape[1], Imaging.TensorImages.ScaleShift(raw, 0.5f, 0.5f, 0f, 1f));
    }

    /// <summary>Centre square crop then area resize to size×size (aligned faces are often taller than wide).</summary>
    public static Tensor SquareResize(Tensor img, int size)
    {
        var h = img.shape[2];
        var w = img.shape[3];
        var side = Math.Min(h, w);
        using var scope = NewDisposeScope();
        var square = img[.., .., TensorIndex.Slice((h - side) / 2, (h - side) / 2 + side), TensorIndex.Slice((w - side) / 2, (w - side) / 2 + side)];
        return (side >= size
            ? nn.functional.adaptive_avg_pool2d(square, new long[] { size, size })
            : nn.functional.interpolate(square, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false)).MoveToOuterDisposeScope();
    }
}
