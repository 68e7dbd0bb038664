using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>SGD with momentum (PyTorch semantics, dampening 0): d = g + λ·p (λ only on decayed parameters),
/// buf = μ·buf + d (buf = d on the first step), p −= lr·buf.</summary>
public sealed class SgdOptimizer : IParameterOptimizer
{
    private readonly Dictionary<string, Tensor> _momentum = new(StringComparer.Ordinal);

    public SgdOptimizer(IReadOnlyList<NamedParameter> parameters, double lr, double momentum, double weightDecay)
    {
        if (lr < 0 || momentum is < 0 or >= 1 || weightDecay < 0)
            throw new ArgumentException($"invalid SGD settings lr={lr} momentum={momentum} weight decay={weightDecay}");
        Parameters = parameters;
        LearningRate = lr;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public double LearningRate { get; set; }
    public double Momentum { get; }
    public double WeightDecay { get; }
    public IReadOnlyList<NamedParameter> Parameters { get; }

    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Parameter.grad?.zero_();
    }

    public void Step()
    {
        using var noGrad = no_grad();
        foreach (var np in Parameters)
        {
            var p = np.Parameter;
            var g = p.grad;
            if (g is null || !p.requires_grad) continue;
            using var scope = NewDisposeScope();
            using var k = new KeptScalars();
            var d = np.Decay && WeightDecay != 0 ? g.add(p, k[WeightDecay]) : g;
            if (Momentum != 0)
            {
                if (_momentum.TryGetValue(np.Name, out var buf)) buf.mul_(k[Momentum]).add_(d, Scalars.One);
                else
                {
                    buf = d.detach().clone().DetachFromDisposeScope();
                    _momentum[np.Name] = buf;
                }
                d = buf;
            }
            p.add_(d, k[-LearningRate]);
        }
    }

    public IReadOnlyDictionary<string, Tensor> StateTensors() =>
        _momentum.ToDictionary(kv => kv.Key + "/momentum_buffer", kv => kv.Value);

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var known = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (key, t) in state)
        {
            var name = key.EndsWith("/momentum_buffer") ? key[..^"/momentum_buffer".Length]
                : throw new InvalidDataException($"SGD state has an unknown slot '{key}'");
            if (!known.TryGetValue(name, out var np)) throw new InvalidDataException($"SGD state names a parameter the model lacks: '{name}'");
            if (!t.shape.SequenceEqual(np.Parameter.shape))
                throw new InvalidDataException($"SGD momentum for '{name}' has shape [{string.Join(",", t.shape)}], parameter [{string.Join(",", np.Parameter.shape)}]");
            if (_momentum.Remove(name, out var old)) old.Dispose();
            _momentum[name] = t.detach().clone();
        }
    }

    public void Dispose()
    {
        foreach (var t in _momentum.Values) t.Dispose();
        _momentum.Clear();
    }
}
