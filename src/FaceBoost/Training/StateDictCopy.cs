using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>The one state-dict copier: matches a name → tensor map against a module's parameters and buffers key by
/// key, classifying every key (<see cref="StateDictReport"/>), and copies what matches. BatchNorm's
/// `num_batches_tracked` is bookkeeping that does not affect inference: when only one side has it, it is listed as
/// ignored, never an error. A 0-dim scalar and a [1] tensor (PyBridge's form of a scalar) are the same value.</summary>
public static class StateDictCopy
{
    /// <summary>Copies every key that matches and reports all of them; the caller decides whether a partial load is
    /// acceptable. <paramref name="accept"/> limits both sides to the keys it accepts (others are ignored).</summary>
    public static StateDictReport Apply(nn.Module target, IReadOnlyDictionary<string, Tensor> source, Func<string, bool>? accept = null)
    {
        var (report, pairs) = Match(target, source, accept);
        Copy(pairs);
        return report;
    }

    /// <summary>Every accepted target key supplied with its shape and nothing accepted left over, or
    /// <see cref="StateDictMismatchException"/> naming <paramref name="what"/> with every mismatch, and nothing copied.</summary>
    public static StateDictReport Strict(nn.Module target, IReadOnlyDictionary<string, Tensor> source, string what, Func<string, bool>? accept = null)
    {
        var (report, pairs) = Match(target, source, accept);
        if (!report.IsExact) throw new StateDictMismatchException(what, report);
        Copy(pairs);
        return report;
    }

    /// <summary>Strips a prefix every key carries (DataParallel's "module.") so such checkpoints load as is.</summary>
    public static Dictionary<string, Tensor> StripCommonPrefix(Dictionary<string, Tensor> sd, string prefix = "module.") =>
        sd.Count > 0 && sd.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))
            ? sd.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value)
            : sd;

    private static (StateDictReport Report, List<(Tensor Dst, Tensor Src)> Pairs) Match(
        nn.Module target, IReadOnlyDictionary<string, Tensor> source, Func<string, bool>? accept)
    {
        var dst = target.state_dict();
        var (loaded, missing, ignored, unexpected) = (new List<string>(), new List<string>(), new List<string>(), new List<string>());
        var mismatched = new List<(string, long[], long[])>();
        var pairs = new List<(Tensor, Tensor)>();
        foreach (var (key, t) in dst)
        {
            if (accept != null && !accept(key)) { ignored.Add(key + " (not requested)"); continue; }
            if (!source.TryGetValue(key, out var s))
            {
                if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) ignored.Add(key + " (absent from file; kept)");
                else missing.Add(key);
                continue;
            }
            bool scalarPair = t.numel() == 1 && s.numel() == 1 && t.dim() <= 1 && s.dim() <= 1;
            if (!scalarPair && !t.shape.SequenceEqual(s.shape)) { mismatched.Add((key, t.shape, s.shape)); continue; }
            pairs.Add((t, s));
            loaded.Add(key);
        }
        foreach (var key in source.Keys)
        {
            if (dst.ContainsKey(key) || (accept != null && !accept(key))) continue;
            if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)) ignored.Add(key + " (module has no such buffer)");
            else unexpected.Add(key);
        }
        unexpected.Sort(StringComparer.Ordinal);
        return (new StateDictReport(loaded, missing, unexpected, mismatched, ignored), pairs);
    }

    private static void Copy(List<(Tensor Dst, Tensor Src)> pairs)
    {
        using var noGrad = no_grad();
        foreach (var (t, s) in pairs)
        {
            using var scope = NewDisposeScope();
            t.copy_(s.reshape(t.shape).to(t.dtype, t.device));
        }
    }
}
