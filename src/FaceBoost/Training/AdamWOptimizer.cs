using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>AdamW (decoupled weight decay, PyTorch semantics): p ·= 1 − lr·λ (decayed parameters only);
/// m, v moments with bias correction; p −= lr·m̂/(√v̂ + ε).</summary>
public sealed class AdamWOptimizer : IParameterOptimizer
{
    private readonly Dictionary<string, (Tensor M, Tensor V, Tensor Step)> _state = new(StringComparer.Ordinal);

    public AdamWOptimizer(IReadOnlyList<NamedParameter> parameters, double lr, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (lr < 0 || weightDecay < 0 || beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || eps <= 0)
            throw new ArgumentException($"invalid AdamW settings lr={lr} wd={weightDecay} betas=({beta1},{beta2}) eps={eps}");
        Parameters = parameters; LearningRate = lr; WeightDecay = weightDecay; Beta1 = beta1; Beta2 = beta2; Eps = eps;
    }

    public double LearningRate { get; set; }
    public double WeightDecay { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
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
            if (!_state.TryGetValue(np.Name, out var s))
            {
                s = (zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope(), tensor(0L).DetachFromDisposeScope());
                _state[np.Name] = s;
            }
            s.Step.add_(Scalars.One, Scalars.One);
            var t = s.Step.item<long>();
            if (np.Decay && WeightDecay != 0) p.mul_(k[1 - LearningRate * WeightDecay]);
            s.M.mul_(k[Beta1]).add_(g, k[1 - Beta1]);
            s.V.mul_(k[Beta2]).addcmul_(g, g, k[1 - Beta2]);
            var bc1 = 1 - Math.Pow(Beta1, t);
            var bc2 = 1 - Math.Pow(Beta2, t);
            var denom = s.V.sqrt().div_(k[Math.Sqrt(bc2)]).add_(k[Eps], Scalars.One);
            p.addcdiv_(s.M, denom, k[-LearningRate / bc1]);
        }
    }

    public IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, s) in _state)
        {
            d[name + "/exp_avg"] = s.M;
            d[name + "/exp_avg_sq"] = s.V;
            d[name + "/step"] = s.Step;
        }
        return d;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var known = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var name in state.Keys.Select(k => k[..k.LastIndexOf('/')]).Distinct())
        {
            if (!known.ContainsKey(name)) throw new InvalidDataException($"AdamW state names a parameter the model lacks: '{name}'");
            if (!state.TryGetValue(name + "/exp_avg", out var m) || !state.TryGetValue(name + "/exp_avg_sq", out var v) || !state.TryGetValue(name + "/step", out var st))
                throw new InvalidDataException($"AdamW state for '{name}' is incomplete");
            _state[name] = (m.detach().clone(), v.detach().clone(), st.detach().clone());
        }
    }

    public void Dispose()
    {
        foreach (var (m, v, s) in _state.Values) { m.Dispose(); v.Dispose(); s.Dispose(); }
        _state.Clear();
    }
}
