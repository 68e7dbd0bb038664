using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>Copies named tensors into a module's state strictly: every target key must be supplied with
/// its exact shape, and nothing may be left over; otherwise one error lists every mismatch.</summary>
public static class StrictCopy
{
    /// <param name="prefixes">If given, only target keys with these prefixes are filled (and checked).</param>
    public static void Into(nn.Module target, IReadOnlyDictionary<string, Tensor> source, string what, string[]? prefixes = null)
    {
        var targetState = target.state_dict()
            .Where(kv => prefixes is null || prefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var relevantSource = source
            .Where(kv => prefixes is null || prefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var problems = new List<string>();
        foreach (var (k, t) in targetState)
        {
            if (!relevantSource.TryGetValue(k, out var s)) problems.Add($"missing {k} [{string.Join(",", t.shape)}]");
            else if (!s.shape.SequenceEqual(t.shape)) problems.Add($"shape of {k}: source [{string.Join(",", s.shape)}] vs target [{string.Join(",", t.shape)}]");
        }
        foreach (var k in relevantSource.Keys.Where(k => !targetState.ContainsKey(k))) problems.Add($"unexpected {k}");
        if (problems.Count > 0)
            throw new InvalidDataException($"{what}: {problems.Count} tensor(s) do not match the model:\n  " + string.Join("\n  ", problems));
        using var noGrad = no_grad();
        foreach (var (k, t) in targetState) t.copy_(relevantSource[k].to(t.dtype, t.device));
    }
}
