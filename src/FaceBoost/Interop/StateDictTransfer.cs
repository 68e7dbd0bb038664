using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Interop;

/// <summary>Copies a name → tensor map into a module's parameters and buffers key by key, classifying
/// every key (see <see cref="StateDictReport"/>). BatchNorm's `num_batches_tracked` is bookkeeping
/// that does not affect inference: when only one side has it, it is listed as ignored, never an error.</summary>
public static class StateDictTransfer
{
    public static StateDictReport Apply(nn.Module target, IReadOnlyDictionary<string, Tensor> source, Func<string, bool>? accept = null)
    {
        var dst = target.state_dict();
        var loaded = new List<string>();
        var missing = new List<string>();
        var mismatched = new List<(string, long[], long[])>();
        var ignored = new List<string>();
        using (no_grad())
        {
            foreach (var (key, t) in dst)
            {
                if (accept != null && !accept(key)) { ignored.Add(key + " (not requested)"); continue; }
                if (!source.TryGetValue(key, out var s))
                {
                    if (key.EndsWith(".num_batches_tracked")) ignored.Add(key + " (absent from file; kept)");
                    else missing.Add(key);
                    continue;
                }
                // A 0-dim scalar and a [1] tensor (PyBridge's representation of scalars) are the same value.
                bool scalarPair = t.numel() == 1 && s.numel() == 1 && t.dim() <= 1 && s.dim() <= 1;
                if (!scalarPair && !t.shape.SequenceEqual(s.shape)) { mismatched.Add((key, t.shape, s.shape)); continue; }
                using (var scope = torch.NewDisposeScope())
                    t.copy_(scalarPair ? s.reshape(t.shape).to(t.dtype) : s.to(t.dtype));
                loaded.Add(key);
            }
        }
        var unexpected = new List<string>();
        foreach (var key in source.Keys)
        {
            if (dst.ContainsKey(key)) continue;
            if (key.EndsWith(".num_batches_tracked")) ignored.Add(key + " (module has no such buffer)");
            else unexpected.Add(key);
        }
        unexpected.Sort(StringComparer.Ordinal);
        return new StateDictReport(loaded, missing, unexpected, mismatched, ignored);
    }

    /// <summary>Strips a prefix every key carries (DataParallel's "module.") so such checkpoints load as is.</summary>
    public static Dictionary<string, Tensor> StripCommonPrefix(Dictionary<string, Tensor> sd, string prefix = "module.") =>
        sd.Count > 0 && sd.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))
            ? sd.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value)
            : sd;
}
