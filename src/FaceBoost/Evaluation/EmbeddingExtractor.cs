using FaceBoost.Imaging;

namespace FaceBoost.Evaluation;

/// <summary>Decodes images by path, preprocesses them, embeds them in batches and keeps the L2-normalised
/// embeddings per path, so a path shared by many pairs is embedded once. Files that cannot be decoded
/// (or give a zero/NaN embedding) are recorded in <see cref="Failures"/> with the reason instead of
/// stopping the run.</summary>
public sealed class EmbeddingExtractor(IFaceEmbedder embedder, ExtractionOptions? options = null)
{
    private readonly ExtractionOptions _options = options ?? new ExtractionOptions();
    private readonly Dictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Failures => _failures;
    public int Cached => _cache.Count;
    /// <summary>Seconds spent inside the embedder (excludes decoding).</summary>
    public double EmbedSeconds { get; private set; }

    public float[]? TryGet(string path) => _cache.GetValueOrDefault(path);

    public float[] Get(string path)
    {
        if (_cache.TryGetValue(path, out var e)) return e;
        Extract([path]);
        return _cache.TryGetValue(path, out e) ? e : throw new ImageDecodeException(path, _failures[path]);
    }

    public void Extract(IEnumerable<string> paths, IProgress<EvalProgress>? progress = null, CancellationToken cancel = default)
    {
        var todo = paths.Distinct(StringComparer.Ordinal).Where(p => !_cache.ContainsKey(p) && !_failures.ContainsKey(p)).ToArray();
        int batch = Math.Max(1, _options.BatchSize), size = embedder.InputSize;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = _options.DecodeThreads > 0 ? _options.DecodeThreads : Environment.ProcessorCount,
            CancellationToken = cancel,
        };
        progress?.Report(new EvalProgress("embedding", 0, todo.Length));
        for (int start = 0; start < todo.Length; start += batch)
        {
            cancel.ThrowIfCancellationRequested();
            var chunk = todo.AsSpan(start, Math.Min(batch, todo.Length - start)).ToArray();
            var faces = new RgbImage?[chunk.Length];
            var errors = new string?[chunk.Length];
            Parallel.For(0, chunk.Length, parallel, i =>
            {
                try { faces[i] = FacePreprocessor.Apply(ImageDecoder.Decode(chunk[i]), _options.Preprocess, size); }
                catch (ImageDecodeException ex) { errors[i] = ex.Message; }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
                { errors[i] = ex.Message; }
            });
            var ok = Enumerable.Range(0, chunk.Length).Where(i => faces[i] != null).ToArray();
            foreach (var i in Enumerable.Range(0, chunk.Length).Where(i => faces[i] == null)) _failures[chunk[i]] = errors[i] ?? "unknown error";
            if (ok.Length > 0)
            {
                var inputs = new List<RgbImage>(ok.Length * 2);
                foreach (var i in ok) inputs.Add(faces[i]!);
                if (_options.FlipSum) foreach (var i in ok) inputs.Add(ImageOps.FlipHorizontal(faces[i]!));
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var emb = embedder.Embed(inputs);
                EmbedSeconds += sw.Elapsed.TotalSeconds;
                if (emb.Length != inputs.Count)
                    throw new InvalidOperationException($"embedder returned {emb.Length} embeddings for {inputs.Count} faces");
                for (int j = 0; j < ok.Length; j++)
                {
                    var e = (float[])emb[j].Clone();
                    if (_options.FlipSum)
                    {
                        var f = emb[ok.Length + j];
                        if (f.Length != e.Length) throw new InvalidOperationException("flipped embedding has a different length");
                        for (int d = 0; d < e.Length; d++) e[d] += f[d];
                    }
                    var path = chunk[ok[j]];
                    if (Normalize(e)) _cache[path] = e;
                    else _failures[path] = "embedding is zero or not finite";
                }
            }
            progress?.Report(new EvalProgress("embedding", start + chunk.Length, todo.Length));
        }
    }

    /// <summary>L2-normalises in place; false when the vector has no direction.</summary>
    public static bool Normalize(float[] v)
    {
        double ss = 0;
        foreach (var x in v) ss += (double)x * x;
        if (!(ss > 0) || double.IsInfinity(ss)) return false;
        float inv = (float)(1 / Math.Sqrt(ss));
        for (int i = 0; i < v.Length; i++) v[i] *= inv;
        return true;
    }

    public static double Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"embedding lengths differ ({a.Length} vs {b.Length})");
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
