using FaceBoost.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceBoost.Tests.Faces;

/// <summary>Test-only wrapper of the external MobileFaceNet (N×3×112×112, (p−127.5)/128) and a
/// best-threshold verification accuracy, to judge alignment quality independently of FaceBoost's own
/// evaluator.</summary>
internal sealed class MobileFaceNetProbe(string modelPath, bool bgr) : IDisposable
{
    private readonly InferenceSession _session = new(modelPath, new SessionOptions { IntraOpNumThreads = 2 });

    public float[][] Embed(IReadOnlyList<RgbImage> crops)
    {
        var result = new List<float[]>();
        for (int start = 0; start < crops.Count; start += 32)
        {
            int n = Math.Min(32, crops.Count - start);
            var t = new DenseTensor<float>([n, 3, 112, 112]);
            var buf = t.Buffer.Span;
            for (int i = 0; i < n; i++)
            {
                var img = crops[start + i];
                if (img.Width != 112 || img.Height != 112) throw new ArgumentException($"crop {start + i} is {img.Width}x{img.Height}, not 112x112");
                for (int c = 0; c < 3; c++)
                {
                    int sc = bgr ? 2 - c : c;
                    for (int p = 0; p < 112 * 112; p++)
                        buf[(i * 3 + c) * 112 * 112 + p] = (img.Pixels[sc * 112 * 112 + p] * 255f - 127.5f) / 128f;
                }
            }
            using var outs = _session.Run([NamedOnnxValue.CreateFromTensor(_session.InputMetadata.Keys.Single(), t)]);
            var e = outs[0].AsTensor<float>();
            int d = e.Dimensions[1];
            for (int i = 0; i < n; i++)
            {
                var v = new float[d];
                double norm = 0;
                for (int k = 0; k < d; k++) { v[k] = e[i, k]; norm += v[k] * v[k]; }
                float inv = (float)(1 / Math.Sqrt(norm + 1e-12));
                for (int k = 0; k < d; k++) v[k] *= inv;
                result.Add(v);
            }
        }
        return result.ToArray();
    }

    /// <summary>Accuracy over all same-identity and different-identity pairs, each half weighted equally
    /// (so the many negatives do not dominate), at the cosine threshold that maximises it.</summary>
    public static double BestThresholdBalancedAccuracy(float[][] emb, IReadOnlyList<string> ids)
    {
        var pairs = new List<(float sim, bool same)>();
        for (int i = 0; i < emb.Length; i++)
            for (int j = i + 1; j < emb.Length; j++)
            {
                float s = 0;
                for (int k = 0; k < emb[i].Length; k++) s += emb[i][k] * emb[j][k];
                pairs.Add((s, ids[i] == ids[j]));
            }
        int pos = pairs.Count(p => p.same), neg = pairs.Count - pos;
        pairs.Sort((a, b) => b.sim.CompareTo(a.sim));
        // Sweep the threshold down: pairs above it are predicted "same".
        double best = 0.5; int tp = 0, fp = 0;
        foreach (var p in pairs)
        {
            if (p.same) tp++; else fp++;
            best = Math.Max(best, 0.5 * tp / pos + 0.5 * (neg - fp) / (double)neg);
        }
        return best;
    }

    public void Dispose() => _session.Dispose();
}
