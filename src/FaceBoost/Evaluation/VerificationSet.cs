using FaceBoost.Data;
using FaceBoost.Imaging;

namespace FaceBoost.Evaluation;

/// <summary>A named verification set for <see cref="TrainingVerifier"/>: images decoded on demand (so a 12,000-image
/// LFW .bin costs its encoded bytes, not its pixels) and pairs of image indices with their labels, in list order
/// (folds are KFold(10) over that order, as insightface's callback does).</summary>
public sealed record VerificationSet(string Name, int ImageCount, Func<int, RgbImage> LoadImage, int[] PairA, int[] PairB, bool[] Same)
{
    public int PairCount => Same.Length;

    /// <summary>A set from pairs of image files (e.g. read by <see cref="PairSets.Read"/>); fails listing missing files.</summary>
    public static VerificationSet FromPairs(string name, IReadOnlyList<VerificationPair> pairs, string source)
    {
        PairSets.RequireImages(pairs, source);
        var paths = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string p)
        {
            if (!index.TryGetValue(p, out var i)) { i = paths.Count; index[p] = i; paths.Add(p); }
            return i;
        }
        var a = pairs.Select(p => Id(p.PathA)).ToArray();
        var b = pairs.Select(p => Id(p.PathB)).ToArray();
        return new VerificationSet(name, paths.Count, i => ImageDecoder.Decode(paths[i]), a, b, [.. pairs.Select(p => p.Same)]);
    }

    /// <summary>insightface's .bin layout: images 2i and 2i+1 form pair i.</summary>
    public static VerificationSet FromImagePairs(string name, int pairCount, Func<int, RgbImage> loadImage, bool[] same) =>
        new(name, 2 * pairCount, loadImage, [.. Enumerable.Range(0, pairCount).Select(i => 2 * i)],
            [.. Enumerable.Range(0, pairCount).Select(i => 2 * i + 1)], same);
}
