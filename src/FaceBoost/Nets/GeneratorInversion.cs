using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets;

/// <summary>Encoder + frozen generator: images → W+ → reconstructions, with optional ReStyle
/// refinement passes (pass k sees image ⊕ reconstruction k−1 and adds its offset to the codes).</summary>
public static class GeneratorInversion
{
    /// <summary>Generator output at the mean latent pooled to <paramref name="size"/>: 1×3×size×size.</summary>
    public static Tensor AverageImage(ILatentGenerator generator, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ws = generator.MeanW.reshape(1, 1, -1).expand(1, generator.NumWs, generator.WDim);
        return ToSize(generator.Synthesize(ws), size).clamp(Scalars.MinusOne, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Resizes generator output to the loss/encoder size (pSp's face_pool: area averaging).</summary>
    public static Tensor ToSize(Tensor images, int size) =>
        images.shape[2] == size && images.shape[3] == size ? images
        : images.shape[2] > size ? nn.functional.adaptive_avg_pool2d(images, new long[] { size, size })
        : nn.functional.interpolate(images, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>Runs <paramref name="iterations"/> passes; returns the final W+ and reconstruction (at the image size).</summary>
    public static (Tensor ws, Tensor reconstruction) Invert(PspEncoder encoder, ILatentGenerator generator,
        Tensor images, Tensor averageImage, int iterations = 1)
    {
        if (iterations < 1) throw new ArgumentException($"iterations must be ≥ 1, got {iterations}");
        var size = encoder.Options.InputSize;
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != size || images.shape[3] != size)
            throw new ArgumentException($"inversion expects N×3×{size}×{size} images in [-1,1], got [{string.Join(",", images.shape)}]");
        if (generator.NumWs != encoder.Options.NumWs || generator.WDim != encoder.Options.WDim)
            throw new ArgumentException($"encoder predicts {encoder.Options.NumWs}×{encoder.Options.WDim} codes but the generator takes {generator.NumWs}×{generator.WDim}");
        var n = images.shape[0];
        using var scope = NewDisposeScope(); // holds the chained temporaries for callers without a scope
        var previous = averageImage.to(images.device).expand(n, -1, -1, -1);
        var ws = generator.MeanW.to(images.device).reshape(1, 1, -1).expand(n, generator.NumWs, generator.WDim);
        Tensor reconstruction = previous;
        for (var k = 0; k < iterations; k++)
        {
            ws = ws.add(encoder.forward(cat(new[] { images, previous }, 1)), Scalars.One);
            reconstruction = ToSize(generator.Synthesize(ws), size);
            // ReStyle feeds the reconstruction back without gradient through earlier passes.
            previous = reconstruction.detach();
        }
        return (ws.MoveToOuterDisposeScope(), reconstruction.MoveToOuterDisposeScope());
    }
}
