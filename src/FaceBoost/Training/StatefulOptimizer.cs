using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>A small hand-written optimiser whose whole state is a flat name → tensor map, so a
/// checkpoint can store it next to the weights and a run resumes exactly.</summary>
public abstract class StatefulOptimizer : IDisposable
{
    protected readonly Parameter[] Parameters;
    protected readonly Dictionary<string, Tensor> State = new();

    public double LearningRate { get; set; }
    public long Steps { get; protected set; }

    protected StatefulOptimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        Parameters = parameters.Where(p => p.requires_grad).ToArray();
        if (Parameters.Length == 0) throw new ArgumentException("optimiser: no trainable parameters");
        if (!(learningRate > 0)) throw new ArgumentException($"optimiser: learning rate must be positive, got {learningRate}");
        LearningRate = learningRate;
    }

    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.grad?.zero_();
    }

    public void Step()
    {
        Steps++;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < Parameters.Length; i++)
        {
            var grad = Parameters[i].grad;
            if (grad is null) continue;
            Update(i, Parameters[i], grad);
        }
        AfterStep();
    }

    protected abstract void Update(int index, Parameter p, Tensor grad);

    protected virtual void AfterStep() { }

    /// <summary>Lazily created per-parameter state tensor (kept outside any dispose scope).</summary>
    protected Tensor Slot(int index, string name, Func<Tensor> create)
    {
        var key = $"{index}.{name}";
        if (!State.TryGetValue(key, out var t))
        {
            t = create().DetachFromDisposeScope();
            State[key] = t;
        }
        return t;
    }

    /// <summary>Copies of the state plus the step counter (key "steps").</summary>
    public Dictionary<string, Tensor> ExportState()
    {
        var d = State.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        d["steps"] = tensor(new long[] { Steps }).DetachFromDisposeScope();
        return d;
    }

    public void ImportState(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var t in State.Values) t.Dispose();
        State.Clear();
        foreach (var (k, v) in state)
        {
            if (k == "steps") { Steps = v.item<long>(); continue; }
            var index = int.Parse(k[..k.IndexOf('.')]);
            if (index >= Parameters.Length) throw new InvalidDataException($"optimiser state {k} names parameter {index}, but only {Parameters.Length} are trained");
            State[k] = v.to(Parameters[index].device).clone().DetachFromDisposeScope();
        }
    }

    public void Dispose()
    {
        foreach (var t in State.Values) t.Dispose();
        State.Clear();
    }
}
