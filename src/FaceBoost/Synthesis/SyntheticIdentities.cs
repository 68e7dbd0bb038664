using FaceBoost.Imaging;
using TorchSharp;
using static TorchSharp.torch;
using FaceBoost.Nets.StyleGan;

namespace FaceBoost.Synthesis;

public sealed record SyntheticIdentityOptions(
    int Identities = 200,
    int ImagesPerIdentity = 8,
    float Truncation = 0.8f,
    /// <summary>Style layers taken from the identity's latent (coarse: face shape, pose-independent
    /// structure); the remaining (fine) layers and the noise are resampled per image.</summary>
    int CoarseLayers = 4,
    int Seed = 0,
    int BatchSize = 32);

/// <summary>The synthetic-identity baseline: an identity is a latent; its images keep the coarse
/// styles and resample fine styles and noise, written as a labeled folder root/&lt;id&gt;/&lt;k&gt;.png.</summary>
public static class SyntheticIdentities
{
    public static int Generate(StyleGenerator generator, string outDir, SyntheticIdentityOptions o, IProgress<int>? progress = null)
    {
        if (o.Identities < 2 || o.ImagesPerIdentity < 1) throw new ArgumentException("need at least 2 identities and 1 image each");
        if (o.CoarseLayers < 1 || o.CoarseLayers > generator.NumWs)
            throw new ArgumentException($"CoarseLayers must be in 1..{generator.NumWs} (the generator's style layers)");
        Directory.CreateDirectory(outDir);
        generator.eval();
        int written = 0;
        var gen = new LatentSource(o.Seed);
        for (int id = 0; id < o.Identities; id++)
        {
            var dir = Path.Combine(outDir, $"synth{id:D5}");
            if (Directory.Exists(dir) && Directory.GetFiles(dir, "*.png").Length == o.ImagesPerIdentity)
            {
                written += o.ImagesPerIdentity; progress?.Report(written); continue; // resumable
            }
            Directory.CreateDirectory(dir);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var zId = gen.Normal(id, 0, 1, generator.ZDim);
            var wsId = generator.Mapping(zId, o.Truncation);                       // 1×L×W
            var zImg = gen.Normal(id, 1, o.ImagesPerIdentity, generator.ZDim);
            var wsImg = generator.Mapping(zImg, o.Truncation);                     // K×L×W
            var ws = wsImg.clone();
            ws[.., ..o.CoarseLayers] = wsId[.., ..o.CoarseLayers].expand(o.ImagesPerIdentity, -1, -1);
            var images = generator.Synthesis(ws, NoiseMode.Random);               // K×3×R×R in [-1,1]
            var rgb = TensorImages.FromSignedTensor(images);
            for (int k = 0; k < rgb.Count; k++) ImageWriter.Save(rgb[k], Path.Combine(dir, $"{k:D3}.png"));
            written += o.ImagesPerIdentity;
            progress?.Report(written);
        }
        return written;
    }

    /// <summary>Latents drawn from a seed per (identity, stream) so that a resumed run writes the same faces.</summary>
    private sealed class LatentSource(int seed)
    {
        public Tensor Normal(int identity, int stream, int n, int dim)
        {
            using var g = new torch.Generator((ulong)(seed * 1_000_003L + identity * 2L + stream + 1));
            return randn(new long[] { n, dim }, generator: g);
        }
    }
}
