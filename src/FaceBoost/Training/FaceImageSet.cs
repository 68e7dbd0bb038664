using FaceBoost.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Unlabeled face images held in memory as one N×3×R×R tensor in [-1, 1] (centre square crop, area
/// resize), with a batch order that is a pure function of (seed, step) so resumed runs see the same data.
/// GAN-sized sets (thousands of 32–128 px images) fit easily; corrupt files are reported and skipped.</summary>
public sealed class FaceImageSet : IDisposable
{
    private readonly Dictionary<long, int[]> _perms = new();

    public Tensor Images { get; }
    public int Count => (int)Images.shape[0];
    public int Resolution { get; }
    public int Seed { get; }
    public bool Mirror { get; }
    public IReadOnlyList<string> Skipped { get; }

    private FaceImageSet(Tensor images, int resolution, int seed, bool mirror, List<string> skipped)
    {
        Images = images; Resolution = resolution; Seed = seed; Mirror = mirror; Skipped = skipped;
    }

    /// <summary>Each source is a folder (searched recursively), an image file, or a text file listing image paths.
    /// Yale B's ambient-light frames (<see cref="ImageFiles.YaleAmbientFrames"/>) are left out.</summary>
    public static FaceImageSet Load(IEnumerable<string> sources, int resolution, int seed = 0, bool mirror = true,
        int maxImages = int.MaxValue, IProgress<(int Done, int Total)>? progress = null)
    {
        var files = ListFiles(sources).Take(maxImages).ToList();
        if (files.Count == 0) throw new ArgumentException($"no images found in {string.Join(", ", sources)}");
        var pixels = new float[files.Count * 3 * resolution * resolution];
        var skipped = new List<string>();
        var n = 0;
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                var img = ImageDecoder.Decode(files[i]);
                Resize(img, resolution).CopyTo(pixels.AsSpan(n * 3 * resolution * resolution));
                n++;
            }
            catch (ImageDecodeException e) { skipped.Add($"{files[i]}: {e.Message}"); }
            progress?.Report((i + 1, files.Count));
        }
        if (n == 0) throw new ArgumentException($"none of the {files.Count} images could be decoded; first problem: {skipped[0]}");
        var t = tensor(TensorImages.ScaleShift(pixels.AsSpan(0, n * 3 * resolution * resolution), 2f, -1f, -1f, 1f), [n, 3, resolution, resolution]);
        return new FaceImageSet(t, resolution, seed, mirror, skipped);
    }

    public static IEnumerable<string> ListFiles(IEnumerable<string> sources)
    {
        foreach (var s in sources)
        {
            IEnumerable<string> found;
            if (Directory.Exists(s))
                found = ImageFiles.List(s, ImageFiles.YaleAmbientFrames);
            else if (File.Exists(s) && ImageFiles.HasImageExtension(s))
                found = [s];
            else if (File.Exists(s))
                found = File.ReadAllLines(s).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                    .Select(l => Path.IsPathRooted(l) ? l : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(s))!, l));
            else throw new FileNotFoundException($"image source {s} is neither a folder, an image nor a list file", s);
            foreach (var f in found)
                if (ImageFiles.HasImageExtension(f) && !ImageFiles.YaleAmbientFrames(Path.GetFileName(f)))
                    yield return f;
        }
    }

    /// <summary>Centre square crop, then resize to R×R (<see cref="TensorImages.CropSquareResize"/>); CHW floats in [0, 1].</summary>
    private static float[] Resize(RgbImage img, int r)
    {
        using var scope = NewDisposeScope();
        var x = TensorImages.CropSquareResize(tensor(img.Pixels, [1, 3, img.Height, img.Width]), r);
        return TensorImages.ScaleShift(x.contiguous().data<float>().ToArray(), 1f, 0f, 0f, 1f);
    }

    /// <summary>Batch at training step `step`: images from position step·B of an endless sequence of seeded
    /// epoch permutations (optionally x-mirrored at random), so the same step always gets the same batch.</summary>
    public Tensor GetBatch(long step, int batchSize) => GetBatch(step, batchSize, 0, batchSize);

    /// <summary>Positions [offset, offset + count) of the global batch of size <paramref name="globalBatch"/> at
    /// <paramref name="step"/>: a data-parallel rank's slice, so the union of the ranks' slices is the single-process batch.</summary>
    public Tensor GetBatch(long step, int globalBatch, int offset, int count)
    {
        if (offset < 0 || count < 1 || offset + count > globalBatch)
            throw new ArgumentOutOfRangeException(nameof(offset), $"slice [{offset}, {offset + count}) is not inside a batch of {globalBatch}");
        var idx = new long[count];
        var flips = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var pos = step * globalBatch + offset + i;
            var epoch = pos / Count;
            var perm = Permutation(epoch);
            var j = (int)(pos % Count);
            idx[i] = perm[j] >> 1;
            flips[i] = Mirror && (perm[j] & 1) == 1;
        }
        using var scope = NewDisposeScope();
        var b = Images.index_select(0, tensor(idx));
        if (flips.Any(f => f))
            b = where(tensor(flips).reshape(-1, 1, 1, 1), b.flip(3), b);
        return b.MoveToOuterDisposeScope();
    }

    /// <summary>The first n images (for the Fréchet distance's real statistics).</summary>
    public Tensor Head(int n) => Images.narrow(0, 0, Math.Min(n, Count));

    private int[] Permutation(long epoch)
    {
        if (_perms.TryGetValue(epoch, out var p)) return p;
        if (_perms.Count > 4) _perms.Clear();
        // HashCode.Combine is randomised per process: a resumed run (or another rank) would shuffle differently.
        var rng = new FaceBoost.Data.SeededRandom(Seed, epoch);
        p = Enumerable.Range(0, Count).ToArray();
        rng.Shuffle(p);
        for (var i = 0; i < p.Length; i++) p[i] = (p[i] << 1) | rng.NextInt(2);   // low bit: mirror
        _perms[epoch] = p;
        return p;
    }

    public void Dispose() => Images.Dispose();
}
