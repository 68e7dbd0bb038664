using FaceBoost.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace FaceBoost.Evaluation;

/// <summary>A face-recognition ONNX model (e.g. insightface / MobileFaceNet exports) run with ONNX Runtime.
/// Input size and layout come from the model when it states them; normalisation and channel order from
/// <see cref="EmbedderOptions"/>. Faces of another size are resized (bilinear) to <see cref="InputSize"/>.</summary>
public sealed class OnnxFaceEmbedder : IFaceEmbedder
{
    private readonly InferenceSession _session;
    private readonly string _inputName, _outputName;
    private readonly float[] _mean, _std;
    private readonly int _fixedBatch; // > 0 when the model's batch dimension is static
    private readonly RunOptions _runOptions = new();

    public string ModelPath { get; }
    public int InputSize { get; }
    public TensorLayout Layout { get; }
    public ChannelOrder ChannelOrder { get; }
    public int BatchSize { get; }
    /// <summary>Embedding length when the model states it statically, else 0 until the first run.</summary>
    public int EmbeddingSize { get; private set; }

    public OnnxFaceEmbedder(string modelPath, EmbedderOptions? options = null)
    {
        options ??= new EmbedderOptions();
        ModelPath = modelPath;
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist", modelPath);
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"batch size must be positive, got {options.BatchSize}");
        _mean = PerChannel(options.Mean, "mean");
        _std = PerChannel(options.Std, "std");
        if (_std.Any(s => !(s > 0))) throw new ArgumentException($"std must be positive, got [{string.Join(", ", options.Std)}]", nameof(options));
        ChannelOrder = options.ChannelOrder;

        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.Threads > 0) { so.IntraOpNumThreads = options.Threads; so.InterOpNumThreads = 1; }
        try { _session = new InferenceSession(modelPath, so); }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"'{modelPath}' is not a loadable ONNX model: {FirstLine(ex.Message)}", ex);
        }

        try
        {
            if (_session.InputMetadata.Count != 1)
                throw new InvalidDataException($"ONNX model '{modelPath}' has {_session.InputMetadata.Count} inputs; a face embedder takes exactly one image tensor");
            var (inName, inMeta) = _session.InputMetadata.First();
            if (!inMeta.IsTensor || inMeta.ElementType != typeof(float))
                throw new InvalidDataException($"ONNX model '{modelPath}' input '{inName}' is not a float tensor ({inMeta.ElementType?.Name})");
            var dims = inMeta.Dimensions;
            if (dims.Length != 4)
                throw new InvalidDataException($"ONNX model '{modelPath}' input '{inName}' has rank {dims.Length} [{string.Join(",", dims)}]; expected a 4-d image batch (N×3×H×W or N×H×W×3)");
            Layout = options.Layout ?? (dims[3] == 3 && dims[1] != 3 ? TensorLayout.Nhwc : TensorLayout.Nchw);
            var (c, h, w) = Layout == TensorLayout.Nchw ? (dims[1], dims[2], dims[3]) : (dims[3], dims[1], dims[2]);
            if (c > 0 && c != 3)
                throw new InvalidDataException($"ONNX model '{modelPath}' input '{inName}' [{string.Join(",", dims)}] has {c} channels in {Layout} layout; expected 3");
            if (h > 0 && w > 0 && h != w)
                throw new InvalidDataException($"ONNX model '{modelPath}' expects {w}x{h} input; only square inputs are supported");
            int modelSize = h > 0 ? h : w;
            if (modelSize > 0 && options.InputSize is { } asked && asked != modelSize)
                throw new ArgumentException($"ONNX model '{modelPath}' has a static {modelSize}x{modelSize} input; --input-size {asked} does not match");
            InputSize = modelSize > 0 ? modelSize : options.InputSize ?? 112;
            _fixedBatch = dims[0] > 0 ? dims[0] : 0;
            BatchSize = _fixedBatch > 0 ? _fixedBatch : options.BatchSize;
            _inputName = inName;

            var (outName, outMeta) = _session.OutputMetadata.First();
            _outputName = outName;
            var od = outMeta.Dimensions;
            if (od.Length >= 2 && od.Skip(1).All(d => d > 0)) EmbeddingSize = od.Skip(1).Aggregate(1, (a, b) => a * b);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public float[][] Embed(IReadOnlyList<RgbImage> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var result = new float[faces.Count][];
        for (int start = 0; start < faces.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, faces.Count - start);
            int rows = _fixedBatch > 0 ? _fixedBatch : n; // a static batch is padded with zeros
            int s = InputSize, plane = s * s;
            var input = new float[rows * 3 * plane];
            for (int i = 0; i < n; i++)
            {
                var face = faces[start + i] ?? throw new ArgumentException($"face {start + i} is null", nameof(faces));
                if (face.Width != s || face.Height != s) face = ImageOps.Resize(face, s, s);
                Fill(face, input.AsSpan(i * 3 * plane, 3 * plane));
            }
            long[] shape = Layout == TensorLayout.Nchw ? [rows, 3, s, s] : [rows, s, s, 3];
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var outputs = _session.Run(_runOptions, [_inputName], [value], [_outputName]);
            var output = outputs[0];
            var outShape = output.GetTensorTypeAndShape().Shape;
            var data = output.GetTensorDataAsSpan<float>();
            if (outShape.Length == 0 || outShape[0] != rows || data.Length % rows != 0)
                throw new InvalidDataException($"ONNX model '{ModelPath}' returned shape [{string.Join(",", outShape)}] for a batch of {rows}");
            int dim = data.Length / rows;
            EmbeddingSize = dim;
            for (int i = 0; i < n; i++) result[start + i] = data.Slice(i * dim, dim).ToArray();
        }
        return result;
    }

    /// <summary>Writes one normalised face into the model's layout and channel order.</summary>
    private void Fill(RgbImage face, Span<float> dst)
    {
        int plane = face.PlaneSize;
        var px = face.Pixels;
        for (int mc = 0; mc < 3; mc++)
        {
            int srcPlane = (ChannelOrder == ChannelOrder.Bgr ? 2 - mc : mc) * plane;
            float scale = 255f / _std[mc], offset = -_mean[mc] / _std[mc];
            if (Layout == TensorLayout.Nchw)
            {
                var d = dst.Slice(mc * plane, plane);
                for (int i = 0; i < plane; i++) d[i] = px[srcPlane + i] * scale + offset;
            }
            else
            {
                for (int i = 0; i < plane; i++) dst[i * 3 + mc] = px[srcPlane + i] * scale + offset;
            }
        }
    }

    private static float[] PerChannel(float[] v, string what) => v.Length switch
    {
        1 => [v[0], v[0], v[0]],
        3 => [.. v],
        _ => throw new ArgumentException($"{what} needs 1 or 3 values, got {v.Length}"),
    };

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    public override string ToString() =>
        $"ONNX {Path.GetFileName(ModelPath)} ({InputSize}x{InputSize} {Layout} {ChannelOrder}, mean [{string.Join(",", _mean)}], std [{string.Join(",", _std)}])";

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
