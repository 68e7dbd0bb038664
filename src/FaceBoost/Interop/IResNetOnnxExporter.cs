using FaceBoost.Runtime;
using FaceBoost.Nets;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Interop;

/// <summary>Exports an <see cref="IResNet"/> (insightface layout) to ONNX in inference form, by walking its
/// state dict: Conv / BatchNormalization / PRelu / Add per block, then BN → Flatten → Gemm, with the final
/// BatchNorm1d folded into the Gemm (exact in eval mode; dropout is the identity). Input "input"
/// [N,3,S,S], output "embedding" [N,E]. Preprocessing goes into metadata_props.</summary>
public static class IResNetOnnxExporter
{
    private const float BnEps = 1e-5f; // IResNet's BatchNorm eps, as insightface

    public static void Export(IResNet model, string path, OnnxPreprocessing? preprocessing = null)
    {
        preprocessing ??= new OnnxPreprocessing(InputSize: model.InputSize);
        if (preprocessing.InputSize != model.InputSize)
            throw new ArgumentException($"preprocessing input size {preprocessing.InputSize} differs from the model's {model.InputSize}");
        var bytes = Build(model, preprocessing);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    public static byte[] Build(IResNet model, OnnxPreprocessing preprocessing)
    {
        using var scope = NewDisposeScope();
        var sd = model.state_dict();
        float[] W(string key) => sd.TryGetValue(key, out var t)
            ? t.detach().cpu().to(float32).contiguous().data<float>().ToArray()
            : throw new InvalidOperationException($"IResNet state dict has no '{key}'");
        long[] Shape(string key) => sd[key].shape;

        var g = new OnnxGraphBuilder { GraphName = model.GetName() };
        int s = model.InputSize;
        g.Input("input", "N", model.InputChannels, s, s);

        string Conv(string x, string prefix, long stride)
        {
            var shape = Shape(prefix + ".weight");
            long k = shape[2];
            g.Initializer(prefix + ".weight", W(prefix + ".weight"), shape);
            return g.Node("Conv", [x, prefix + ".weight"], null,
                ("kernel_shape", new[] { k, k }), ("strides", new[] { stride, stride }),
                ("pads", new[] { k / 2, k / 2, k / 2, k / 2 }), ("dilations", new[] { 1L, 1L }), ("group", 1L));
        }
        string Bn(string x, string prefix)
        {
            long c = Shape(prefix + ".weight")[0];
            foreach (var p in new[] { "weight", "bias", "running_mean", "running_var" })
                g.Initializer($"{prefix}.{p}", W($"{prefix}.{p}"), c);
            return g.Node("BatchNormalization", [x, prefix + ".weight", prefix + ".bias", prefix + ".running_mean", prefix + ".running_var"], null,
                ("epsilon", BnEps));
        }
        string PRelu(string x, string prefix)
        {
            long c = Shape(prefix + ".weight")[0];
            // Slope [C,1,1] broadcasts over N×C×H×W (ONNX's unidirectional broadcasting).
            g.Initializer(prefix + ".weight", W(prefix + ".weight"), c, 1, 1);
            return g.Node("PRelu", [x, prefix + ".weight"]);
        }

        var y = PRelu(Bn(Conv("input", "conv1", 1), "bn1"), "prelu");
        for (int layer = 1; layer <= 4; layer++)
            for (int b = 0; sd.ContainsKey($"layer{layer}.{b}.conv1.weight"); b++)
            {
                string p = $"layer{layer}.{b}";
                long stride = b == 0 ? 2 : 1; // IResNet: the first block of every stage halves the resolution
                var r = Bn(y, p + ".bn1");
                r = Conv(r, p + ".conv1", 1);
                r = PRelu(Bn(r, p + ".bn2"), p + ".prelu");
                r = Bn(Conv(r, p + ".conv2", stride), p + ".bn3");
                var identity = sd.ContainsKey(p + ".downsample.0.weight") ? Bn(Conv(y, p + ".downsample.0", stride), p + ".downsample.1") : y;
                y = g.Node("Add", [r, identity]);
            }
        y = g.Node("Flatten", [Bn(y, "bn2")], null, ("axis", 1L));

        // Gemm with the embedding BatchNorm1d folded in: W' = W·γ/σ, b' = (b − μ)·γ/σ + β.
        var fcShape = Shape("fc.weight");
        long e = fcShape[0], f = fcShape[1];
        var fw = W("fc.weight");
        var fb = W("fc.bias");
        var gamma = W("features.weight");
        var beta = W("features.bias");
        var mean = W("features.running_mean");
        var varr = W("features.running_var");
        var w2 = new float[fw.Length];
        var b2 = new float[e];
        for (int o = 0; o < e; o++)
        {
            double scale = gamma[o] / Math.Sqrt(varr[o] + (double)BnEps);
            for (long i = 0; i < f; i++) w2[o * f + i] = (float)(fw[o * f + i] * scale);
            b2[o] = (float)((fb[o] - mean[o]) * scale + beta[o]);
        }
        g.Initializer("fc.weight", w2, e, f);
        g.Initializer("fc.bias", b2, e);
        g.Node("Gemm", [y, "fc.weight", "fc.bias"], "embedding", ("transB", 1L));
        g.Output("embedding", "N", e);

        g.Metadata("faceboost.architecture", model.GetName());
        g.Metadata("faceboost.embedding_size", e.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (k, v) in preprocessing.ToMetadata()) g.Metadata(k, v);
        return g.ToBytes(typeof(IResNetOnnxExporter).Assembly.GetName().Version?.ToString() ?? "1");
    }
}
