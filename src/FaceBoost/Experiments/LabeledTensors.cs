using FaceBoost.Data;
using FaceBoost.Evaluation;
using FaceBoost.Imaging;
using FaceBoost.Training;
using static TorchSharp.torch;

namespace FaceBoost.Experiments;

/// <summary>A small labeled set decoded once into memory, preprocessed exactly as the evaluation will preprocess
/// test faces (<see cref="FacePreprocessor"/>), so train and test see the same pixels pipeline. CPU-scale label
/// budgets (1 %/10 % of a few thousand images) fit easily; the streaming <see cref="FaceLoader"/> is for larger sets.</summary>
public static class LabeledTensors
{
    public const float Mean = 0.5f, Std = 0.5f;

    public static InMemoryBatchSource Source(FaceDataset ds, int size, FacePreprocess mode, int batchSize, int seed,
        Action<string>? skipped = null)
    {
        var images = new RgbImage?[ds.Count];
        var errors = new string?[ds.Count];
        Parallel.For(0, ds.Count, i =>
        {
            try { images[i] = FacePreprocessor.Apply(ImageDecoder.Decode(ds.Samples[i].Path), mode, size); }
            catch (Exception ex) when (ex is ImageDecodeException or IOException or InvalidDataException) { errors[i] = ex.Message; }
        });
        for (var i = 0; i < ds.Count; i++) if (errors[i] is { } e) skipped?.Invoke($"{ds.Samples[i].Path}: {e}");
        var kept = Enumerable.Range(0, ds.Count).Where(i => images[i] is not null).ToArray();
        if (kept.Length < 2) throw new InvalidDataException($"{ds.Name}: fewer than 2 readable images");
        var plane = 3 * size * size;
        var buffer = new float[kept.Length * plane];
        for (var k = 0; k < kept.Length; k++)
            Imaging.TensorImages.Normalise(images[kept[k]]!.Pixels, buffer.AsSpan(k * plane, plane), Mean, Std);
        using var t = tensor(buffer, [kept.Length, 3, size, size]);
        var labels = kept.Select(i => (long)ds.Samples[i].Label).ToArray();
        return new InMemoryBatchSource(t, labels, ds.IdentityCount, Math.Min(batchSize, kept.Length), seed, flip: true, (Mean, Std), ds.Identities);
    }
}
