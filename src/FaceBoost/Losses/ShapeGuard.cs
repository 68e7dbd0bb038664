using static TorchSharp.torch;

namespace FaceBoost.Losses;

/// <summary>Checks image pairs before they reach libtorch, whose shape errors can abort the process.</summary>
internal static class ShapeGuard
{
    public static void SameImages(Tensor a, Tensor b, string who)
    {
        if (a.dim() != 4 || b.dim() != 4)
            throw new ArgumentException($"{who}: expected N×C×H×W images, got [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}]");
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"{who}: image shapes differ: [{string.Join(",", a.shape)}] vs [{string.Join(",", b.shape)}]");
    }
}
