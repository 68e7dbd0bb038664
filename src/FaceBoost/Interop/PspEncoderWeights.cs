using FaceBoost.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Interop;

/// <summary>Imports the encoder of a pSp / ReStyle checkpoint (torch.save'd {"state_dict": {"encoder.…",
/// "decoder.…"}, "opts", "latent_avg"}) into a FaceBoost module with the same names (e.g. the IR-SE
/// backbone's input_layer / body). Tensors whose name and shape match are loaded; everything else is
/// reported (decoder weights are listed as ignored, not unexpected).</summary>
public static class PspEncoderWeights
{
    public static StateDictReport Import(string pspCheckpoint, nn.Module encoder, string prefix = "encoder.")
    {
        var all = TorchCheckpointFile.Load(pspCheckpoint);
        try
        {
            // pSp nests the weights under "state_dict"; a bare state dict also works.
            var inner = all.Keys.Any(k => k.StartsWith("state_dict.", StringComparison.Ordinal))
                ? all.Where(kv => kv.Key.StartsWith("state_dict.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["state_dict.".Length..], kv => kv.Value)
                : all;
            var enc = inner.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            if (enc.Count == 0) throw new InvalidDataException($"{pspCheckpoint}: no \"{prefix}*\" tensors in the checkpoint");
            var r = StateDictCopy.Apply(encoder, enc);
            var others = inner.Keys.Where(k => !k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k + " (not encoder)")
                .Concat(all.Keys.Where(k => !k.StartsWith("state_dict.", StringComparison.Ordinal) && !ReferenceEquals(inner, all) ).Select(k => k + " (checkpoint extra)"));
            return r with { Ignored = [.. r.Ignored, .. others.Order(StringComparer.Ordinal)] };
        }
        finally { foreach (var t in all.Values) t.Dispose(); }
    }
}
