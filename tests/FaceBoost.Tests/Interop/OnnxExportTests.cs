using FaceBoost.Evaluation;
using FaceBoost.Imaging;
using FaceBoost.Interop;
using FaceBoost.Nets;
using FaceBoost.Runtime;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Interop;

public sealed class OnnxExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fb-onnx-").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Protobuf_varints_and_fields_are_encoded_as_protobuf_does()
    {
        var w = new ProtobufWriter().Int64(1, 150).String(2, "hi").Float(3, 1f).Int64(4, -1);
        // 150 → 08 96 01; "hi" → 12 02 68 69; 1.0f → 1d 00 00 80 3f; -1 → 20 + ten-byte varint.
        Assert.Equal(Convert.FromHexString("089601120268691d0000803f20ffffffffffffffffff01"), w.ToArray());
    }

    [SkippableFact]
    public void Exported_iresnet_runs_in_onnx_runtime_and_matches_torchsharp_on_orl_faces()
    {
        var orl = SharedData.Require("data", "orl");
        TorchRuntime.Initialize(2);
        var faces = Enumerable.Range(1, 12)
            .Select(i => ImageOps.Resize(ImageDecoder.Decode(Path.Combine(orl, $"s{i}", $"{i % 10 + 1}.pgm")), 112, 112))
            .ToList();
        using var batch = stack(faces.Select(f => tensor(f.Pixels, [3, 112, 112])).ToArray()).mul_(2).sub_(1); // (p − 127.5)/127.5

        using var model = new IResNet(18, IResNetWeightsTests.Narrow);
        // Give BN realistic running statistics (as training would) so the check is not on a degenerate net.
        model.train();
        using (no_grad())
            for (int k = 0; k < 4; k++) model.forward(batch).Dispose();
        var ours = IResNetWeightsTests.Embed(model, batch);

        var path = Path.Combine(_dir, "iresnet.onnx");
        IResNetOnnxExporter.Export(model, path);

        // Through eval's ONNX embedder, fed with the preprocessing the metadata records.
        using var session = new InferenceSession(path);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("127.5,127.5,127.5", meta["faceboost.mean"]);
        Assert.Equal("RGB", meta["faceboost.channel_order"]);
        using var embedder = new OnnxFaceEmbedder(path, new EmbedderOptions { Mean = [127.5f], Std = [127.5f], Threads = 2 });
        var theirs = embedder.Embed(faces);
        Assert.Equal(128, theirs[0].Length);
        double minCos = 1, maxAbs = 0;
        for (int i = 0; i < faces.Count; i++)
        {
            var a = ours.AsSpan(i * 128, 128).ToArray();
            var b = theirs[i];
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < 128; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j]; maxAbs = Math.Max(maxAbs, Math.Abs(a[j] - b[j])); }
            minCos = Math.Min(minCos, dot / Math.Sqrt(na * nb));
        }
        Console.WriteLine($"ONNX vs TorchSharp on {faces.Count} ORL faces: min cosine {minCos:F7}, max |Δ| {maxAbs:E2}");
        Assert.True(minCos >= 0.9999, $"min cosine {minCos}");
    }
}
