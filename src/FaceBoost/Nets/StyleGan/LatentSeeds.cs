using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Nets.StyleGan;

/// <summary>z for a given integer seed, independent of the global torch RNG (same seed → same face across runs,
/// `faceboost sample` and training sample grids).</summary>
public static class LatentSeeds
{
    public static Tensor Z(IEnumerable<int> seeds, int zDim)
    {
        using var scope = NewDisposeScope();
        var rows = seeds.Select(s =>
        {
            using var gen = new Generator((ulong)s);
            return randn(new long[] { 1, zDim }, generator: gen);
        }).ToList();
        if (rows.Count == 0) throw new ArgumentException("no seeds given");
        return cat(rows, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Parses "0-63", "1,5,9" or "0-3,10".</summary>
    public static List<int> Parse(string spec)
    {
        var result = new List<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', 1);
            if (dash > 0 && int.TryParse(part[..dash], out var a) && int.TryParse(part[(dash + 1)..], out var b) && b >= a)
                result.AddRange(Enumerable.Range(a, b - a + 1));
            else if (int.TryParse(part, out var v)) result.Add(v);
            else throw new FormatException($"seed list '{spec}': cannot read '{part}' (use e.g. 0-63 or 1,5,9)");
        }
        return result;
    }
}
