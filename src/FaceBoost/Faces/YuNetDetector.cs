using System.Drawing;
using FaceBoost.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceBoost.Faces;

/// <summary>YuNet (OpenCV model zoo, 2023 anchor-free version) run by ONNX Runtime. The graph takes a
/// BGR 0..255 NCHW image of any size divisible by 32 and emits, per stride 8/16/32, one prediction per
/// grid cell: cls and obj scores, box (dx, dy, log w, log h in stride units) and five landmark offsets.
/// Decoding follows OpenCV's FaceDetectorYN: score = √(cls·obj), centre = (cell + d)·stride.</summary>
public sealed class YuNetDetector : IFaceDetector
{
    private static readonly int[] Strides = [8, 16, 32];
    private const int Divisor = 32;

    private readonly InferenceSession _session;
    private readonly string _inputName;
    public YuNetOptions Options { get; }
    public string ModelPath { get; }

    public YuNetDetector(string modelPath, YuNetOptions? options = null)
    {
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"YuNet model not found: {modelPath} (get face_detection_yunet_2023mar.onnx from the OpenCV model zoo, MIT licence)", modelPath);
        Options = options ?? new YuNetOptions();
        ModelPath = modelPath;
        var so = new SessionOptions { IntraOpNumThreads = Math.Max(1, Options.IntraOpThreads), InterOpNumThreads = 1 };
        try { _session = new InferenceSession(modelPath, so); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{modelPath} is not a loadable ONNX model: {e.Message}", e); }
        finally { so.Dispose(); }

        _inputName = _session.InputMetadata.Keys.Single();
        foreach (var s in Strides)
            foreach (var head in new[] { "cls", "obj", "bbox", "kps" })
                if (!_session.OutputMetadata.ContainsKey($"{head}_{s}"))
                {
                    var names = string.Join(", ", _session.OutputMetadata.Keys);
                    _session.Dispose();
                    throw new InvalidDataException($"{modelPath} does not look like YuNet 2023: output {head}_{s} missing (outputs: {names})");
                }
    }

    public IReadOnlyList<DetectedFace> Detect(RgbImage image)
    {
        // Shrink large photos (keeping aspect), then pad right/bottom with black to a multiple of 32.
        float scale = Math.Min(1f, Options.MaxInputSide / (float)Math.Max(image.Width, image.Height));
        int w = Math.Max(1, (int)MathF.Round(image.Width * scale)), h = Math.Max(1, (int)MathF.Round(image.Height * scale));
        var input = scale < 1f ? AffineWarp.Resize(image, w, h) : image;
        float sx = image.Width / (float)w, sy = image.Height / (float)h;
        int padW = (w + Divisor - 1) / Divisor * Divisor, padH = (h + Divisor - 1) / Divisor * Divisor;

        var tensor = new DenseTensor<float>([1, 3, padH, padW]);
        var buf = tensor.Buffer.Span;
        int plane = input.PlaneSize, pplane = padW * padH;
        for (int c = 0; c < 3; c++)
        {
            int srcPlane = (2 - c) * plane; // RGB → BGR
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    buf[c * pplane + y * padW + x] = input.Pixels[srcPlane + y * w + x] * 255f;
        }

        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, tensor)]);
        var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>());

        var candidates = new List<DetectedFace>();
        foreach (int stride in Strides)
        {
            int cols = padW / stride, rows = padH / stride;
            var cls = byName[$"cls_{stride}"]; var obj = byName[$"obj_{stride}"];
            var box = byName[$"bbox_{stride}"]; var kps = byName[$"kps_{stride}"];
            if (cls.Dimensions[1] != rows * cols)
                throw new InvalidDataException($"YuNet stride {stride}: {cls.Dimensions[1]} predictions for a {cols}x{rows} grid");
            for (int r = 0; r < rows; r++)
                for (int col = 0; col < cols; col++)
                {
                    int i = r * cols + col;
                    float score = MathF.Sqrt(Math.Clamp(cls[0, i, 0], 0f, 1f) * Math.Clamp(obj[0, i, 0], 0f, 1f));
                    if (score < Options.ScoreThreshold) continue;
                    float cx = (col + box[0, i, 0]) * stride, cy = (r + box[0, i, 1]) * stride;
                    float bw = MathF.Exp(box[0, i, 2]) * stride, bh = MathF.Exp(box[0, i, 3]) * stride;
                    var rect = new RectangleF((cx - bw / 2) * sx, (cy - bh / 2) * sy, bw * sx, bh * sy);
                    var lm = new PointF[DetectedFace.LandmarkCount];
                    for (int k = 0; k < lm.Length; k++)
                        lm[k] = new PointF((col + kps[0, i, 2 * k]) * stride * sx, (r + kps[0, i, 2 * k + 1]) * stride * sy);
                    candidates.Add(new DetectedFace(rect, score, lm));
                }
        }
        return NonMaximumSuppression.Apply(candidates, Options.NmsIouThreshold, Options.TopK, Options.KeepTopK);
    }

    public void Dispose() => _session.Dispose();
}
