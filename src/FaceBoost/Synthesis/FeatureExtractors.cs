using FaceBoost.Runtime;
using FaceBoost.Imaging;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Tensor = TorchSharp.torch.Tensor;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Synthesis;

/// <summary>Embedding functions (images N×3×H×W in [-1, 1] → N×D float features) for the Fréchet distance.</summary>
public static class FeatureExtractors
{
    /// <summary>Features of a fixed, randomly initialised 3-layer conv net (seeded, no training, no download).
    /// Weaker than a trained face embedder — it measures low-level statistics and coarse layout, not identity
    /// plausibility — but it is deterministic and needs nothing: "random-feature Fréchet distance".
    /// Input resized to 32×32; output 288-d (layer-1 channel means + layer-3 pooled to 2×2).</summary>
    public static Func<Tensor, Tensor> RandomConv(long seed = 20231014)
    {
        using var gen = new Generator((ulong)seed);
        Tensor W(int o, int i)
        {
            using var gain = Math.Sqrt(2.0 / (i * 9)).ToScalar();
            using var init = randn(new long[] { o, i, 3, 3 }, generator: gen); // held while mul reads it
            return init.mul(gain).DetachFromDisposeScope();
        }
        var w1 = W(32, 3); var w2 = W(64, 32); var w3 = W(64, 64);
        return images =>
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var x = nn.functional.interpolate(images.to(ScalarType.Float32), size: [32, 32], mode: InterpolationMode.Bilinear, align_corners: false);
            var h1 = nn.functional.conv2d(x, w1, padding: [1, 1]).leaky_relu(Scalars.LeakySlope);
            var h2 = nn.functional.conv2d(nn.functional.avg_pool2d(h1, 2), w2, padding: [1, 1]).leaky_relu(Scalars.LeakySlope);
            var h3 = nn.functional.conv2d(nn.functional.avg_pool2d(h2, 2), w3, padding: [1, 1]).leaky_relu(Scalars.LeakySlope);
            var f = cat([h1.mean([2, 3]), nn.functional.adaptive_avg_pool2d(h3, [2, 2]).flatten(1)], 1);
            return f.MoveToOuterDisposeScope();
        };
    }

    /// <summary>An ONNX face recognizer taking N×3×S×S pixels (p − 127.5)/128 (MobileFaceNet convention;
    /// S read from the model, 112 if dynamic). Grey inputs work since channels are replicated.</summary>
    public static Func<Tensor, Tensor> Onnx(string modelPath)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model {modelPath} does not exist", modelPath);
        var session = new InferenceSession(modelPath);
        var (inputName, meta) = session.InputMetadata.First();
        var dims = meta.Dimensions;
        var size = dims.Length == 4 && dims[2] > 0 ? dims[2] : 112;
        var fixedBatch = dims.Length == 4 && dims[0] > 0 ? dims[0] : -1;
        return images =>
        {
            float[] pixels;
            using (no_grad())
            using (NewDisposeScope())
            {
                var x = nn.functional.interpolate(images.to(ScalarType.Float32).cpu(), size: [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
                const float k = (float)(127.5 / 128); // clamp to [-1, 1], then (p − 127.5)/128
                pixels = TensorImages.ScaleShift(x.contiguous().data<float>().ToArray(), k, 0f, -k, k);
            }
            var n = (int)images.shape[0];
            var per = 3 * size * size;
            var chunk = fixedBatch > 0 ? fixedBatch : n;
            var outputs = new List<float[]>();
            for (var start = 0; start < n; start += chunk)
            {
                var count = Math.Min(chunk, n - start);
                var buf = new float[chunk * per];
                Array.Copy(pixels, start * per, buf, 0, count * per);
                var input = new DenseTensor(buf, [chunk, 3, size, size]);
                using var res = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
                var emb = res.First().AsEnumerable<float>().ToArray();
                var d = emb.Length / chunk;
                for (var i = 0; i < count; i++) outputs.Add(emb.AsSpan(i * d, d).ToArray());
            }
            var dim = outputs[0].Length;
            return tensor(outputs.SelectMany(v => v).ToArray(), [n, dim]);
        };
    }

    /// <summary>Adapts any image embedder (e.g. the eval helper's IFaceEmbedder.Embed or a FaceBoost recognition
    /// checkpoint) that takes RgbImages in [0, 1].</summary>
    public static Func<Tensor, Tensor> FromImageEmbedder(Func<IReadOnlyList<RgbImage>, float[][]> embed) => images =>
    {
        var rgb = TensorImages.FromSignedTensor(images);
        var e = embed(rgb);
        return tensor(e.SelectMany(v => v).ToArray(), [e.Length, e[0].Length]);
    };
}
