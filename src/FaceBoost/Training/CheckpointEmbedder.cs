using FaceBoost.Evaluation;
using FaceBoost.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A FaceBoost recognition checkpoint as an <see cref="IFaceEmbedder"/>: faces (RGB [0, 1]) are resized
/// to the model's input if needed, normalised as in training, and embedded in batches (raw embeddings).</summary>
public sealed class CheckpointEmbedder : IFaceEmbedder
{
    private readonly RecognitionModel _model;
    private readonly int _batchSize;

    public CheckpointEmbedder(string checkpointPath, int batchSize = 32)
    {
        Runtime.TorchRuntime.Initialize();
        _model = RecognitionModel.Load(checkpointPath);
        _batchSize = Math.Max(1, batchSize);
    }

    public CheckpointEmbedder(RecognitionModel model, int batchSize = 32)
    {
        _model = model;
        _batchSize = Math.Max(1, batchSize);
    }

    public int InputSize => _model.InputSize;
    public RecognitionModel Model => _model;

    public float[][] Embed(IReadOnlyList<RgbImage> faces)
    {
        var result = new float[faces.Count][];
        var s = InputSize;
        var (mean, std) = _model.Normalization;
        for (var start = 0; start < faces.Count; start += _batchSize)
        {
            var n = Math.Min(_batchSize, faces.Count - start);
            var buffer = new float[n * 3 * s * s];
            for (var i = 0; i < n; i++)
            {
                var f = faces[start + i];
                if (f.Width != s || f.Height != s) f = ImageOps.Resize(f, s, s);
                var off = i * 3 * s * s;
                for (var k = 0; k < f.Pixels.Length; k++) buffer[off + k] = (f.Pixels[k] - mean) / std;
            }
            using var scope = NewDisposeScope();
            var emb = _model.Embed(tensor(buffer, [n, 3, s, s])).contiguous().data<float>().ToArray();
            var e = _model.EmbeddingSize;
            for (var i = 0; i < n; i++) result[start + i] = emb.AsSpan(i * e, e).ToArray();
        }
        return result;
    }

    public void Dispose() => _model.Dispose();
}

/// <summary>Lets <see cref="EmbedderFactory"/> open .fbck checkpoints and run folders (their `latest`).</summary>
public sealed class CheckpointEmbedderProvider : IEmbedderProvider
{
    public string Description => "FaceBoost recognition checkpoint (*.fbck, or a run folder with 'latest')";
    public bool CanOpen(string path) => RecognitionCheckpoint.LooksLikeCheckpoint(path);
    public IFaceEmbedder Open(string path, EmbedderOptions options) => new CheckpointEmbedder(path, options.BatchSize);
}
