using FaceBoost.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A small in-memory set of aligned face images (N×3×S×S in [-1, 1]) for CPU-scale encoder runs
/// and for `faceboost invert`; unreadable files are reported and skipped.</summary>
public sealed class FaceTensorSet : IDisposable
{
    public Tensor Images { get; }
    public IReadOnlyList<string> Files { get; }
    public IReadOnlyList<(string File, string Reason)> Skipped { get; }
    public long Count => Images.shape[0];

    private FaceTensorSet(Tensor images, List<string> files, List<(string, string)> skipped)
    {
        Images = images; Files = files; Skipped = skipped;
    }

    /// <summary>All image files under <paramref name="folder"/> (recursive, sorted, without Yale B's ambient-light
    /// frames), at most <paramref name="maxImages"/> (0 = all).</summary>
    public static IReadOnlyList<string> ListImages(string folder, int maxImages = 0)
    {
        var files = ImageFiles.List(folder, ImageFiles.YaleAmbientFrames);
        return maxImages > 0 ? files.Take(maxImages).ToList() : files;
    }

    public static FaceTensorSet FromFolder(string folder, int size, int maxImages = 0, IProgress<(int done, int total)>? progress = null)
        => FromFiles(ListImages(folder, maxImages), size, progress);

    public static FaceTensorSet FromFiles(IReadOnlyList<string> files, int size, IProgress<(int done, int total)>? progress = null)
    {
        var tensors = new List<Tensor>();
        var kept = new List<string>();
        var skipped = new List<(string, string)>();
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                var img = ImageDecoder.Decode(files[i]);
                using var scope = NewDisposeScope();
                var t = TensorImages.ToSignedTensor(img);
                tensors.Add(TensorImages.CropSquareResize(t, size).MoveToOuterDisposeScope());
                kept.Add(files[i]);
            }
            catch (Exception ex) when (ex is ImageDecodeException or IOException or InvalidDataException)
            {
                skipped.Add((files[i], ex.Message));
            }
            progress?.Report((i + 1, files.Count));
        }
        if (tensors.Count == 0)
            throw new InvalidDataException($"no readable images among {files.Count} files" + (skipped.Count > 0 ? $" (first error: {skipped[0].Item2})" : ""));
        var images = cat(tensors, 0);
        foreach (var t in tensors) t.Dispose();
        return new FaceTensorSet(images, kept, skipped);
    }

    /// <summary>Shuffled batches for one epoch (seeded by epoch, so a resumed run sees the same order); the last partial batch is dropped.</summary>
    public IEnumerable<Tensor> Epoch(int epoch, int batch, int seed)
    {
        if (batch < 1) throw new ArgumentException($"batch must be ≥ 1, got {batch}");
        var n = (int)Count;
        var order = Enumerable.Range(0, n).ToArray();
        new FaceBoost.Data.SeededRandom(seed, epoch).Shuffle(order); // process-independent (not HashCode.Combine)
        var effective = Math.Min(batch, n);
        for (var start = 0; start + effective <= n; start += effective)
        {
            using var idx = tensor(order.AsSpan(start, effective).ToArray().Select(i => (long)i).ToArray());
            yield return Images.index_select(0, idx);
        }
    }

    public void Dispose() => Images.Dispose();
}
