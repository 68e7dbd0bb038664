using FaceBoost.Data;
using FaceBoost.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceBoost.Synthesis.Procedural;

/// <summary>How strong identity is as a signal in rendered faces, measured with an independent, already
/// trained recognizer (an ONNX model taking N×3×112×112 RGB normalised as (p − 127.5)/128): cosine
/// similarity of same- vs different-identity pairs and the verification accuracy at the best threshold.</summary>
public static class ReferenceVerification
{
    public sealed record Result(int SamePairs, int DifferentPairs, double MeanSame, double MeanDifferent, double BestAccuracy, double Threshold, double Auc);

    /// <summary>Embeds faces (any size; resized bilinearly to 112) with the ONNX recognizer, L2-normalised.</summary>
    public static float[][] Embed(string onnxPath, IReadOnlyList<RgbImage> faces, int batch = 32, int threads = 2)
    {
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"recognizer model not found: {onnxPath}", onnxPath);
        using var opts = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnxPath, opts);
        string input = session.InputMetadata.Keys.First();
        const int S = 112;
        var result = new float[faces.Count][];
        for (int start = 0; start < faces.Count; start += batch)
        {
            int n = Math.Min(batch, faces.Count - start);
            var tensor = new DenseTensor<float>([n, 3, S, S]);
            var buf = tensor.Buffer.Span;
            for (int b = 0; b < n; b++)
            {
                var img = ImageOps.Resize(faces[start + b], S, S);
                for (int i = 0; i < img.Pixels.Length; i++) buf[b * 3 * S * S + i] = (img.Pixels[i] * 255f - 127.5f) / 128f;
            }
            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
            var emb = outputs.First().AsTensor<float>();
            int d = (int)(emb.Length / n);
            for (int b = 0; b < n; b++)
            {
                var v = new float[d];
                double norm = 0;
                for (int j = 0; j < d; j++) { v[j] = emb.GetValue(b * d + j); norm += v[j] * v[j]; }
                float inv = (float)(1 / Math.Sqrt(Math.Max(norm, 1e-12)));
                for (int j = 0; j < d; j++) v[j] *= inv;
                result[start + b] = v;
            }
        }
        return result;
    }

    /// <summary>All same-identity pairs and as many seeded random different-identity pairs.</summary>
    public static Result Evaluate(IReadOnlyList<float[]> embeddings, IReadOnlyList<int> labels, ulong seed = 7)
    {
        var same = new List<double>();
        for (int i = 0; i < labels.Count; i++)
            for (int j = i + 1; j < labels.Count; j++)
                if (labels[i] == labels[j]) same.Add(Cos(embeddings[i], embeddings[j]));
        var diff = new List<double>();
        var r = new SeededRandom(seed);
        while (diff.Count < same.Count)
        {
            int i = r.NextIntByModulo(labels.Count), j = r.NextIntByModulo(labels.Count);
            if (labels[i] != labels[j]) diff.Add(Cos(embeddings[i], embeddings[j]));
        }
        // Best threshold: sweep sorted scores, predicting "same" above the threshold.
        var all = same.Select(s => (s, true)).Concat(diff.Select(s => (s, false))).OrderBy(p => p.s).ToArray();
        int sameAbove = same.Count, diffAbove = diff.Count, best = sameAbove; // threshold below everything
        double bestT = all[0].s - 1e-6;
        for (int k = 0; k < all.Length; k++)
        {
            if (all[k].Item2) sameAbove--; else diffAbove--;
            int correct = sameAbove + (diff.Count - diffAbove);
            if (correct > best) { best = correct; bestT = all[k].s; }
        }
        // AUC by rank sum.
        double rankSum = 0;
        for (int k = 0; k < all.Length; k++) if (all[k].Item2) rankSum += k + 1;
        double auc = (rankSum - same.Count * (same.Count + 1) / 2.0) / ((double)same.Count * diff.Count);
        return new Result(same.Count, diff.Count, same.Average(), diff.Average(), best / (double)all.Length, bestT, auc);
    }

    private static double Cos(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

}
