using FaceBoost.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>The one optimizer base of every trainer (SGD, Adam/AdamW, Ranger). State is a flat set of named tensors,
/// "&lt;parameter name&gt;/&lt;slot&gt;" plus "steps", that a checkpoint stores under <c>optim.&lt;name&gt;.</c> so a run
/// resumes bit-identically. The base owns the step loop, no-grad, the dispose scope and the held Scalars
/// (<see cref="KeptScalars"/>): an update only asks <c>k[value]</c> for every number it passes to libtorch.
/// Parameters without a gradient or with requires_grad off (frozen) are skipped, as in PyTorch.</summary>
public abstract class ParameterOptimizer : IDisposable
{
    private readonly Dictionary<string, Tensor> _state = new(StringComparer.Ordinal);

    protected ParameterOptimizer(IReadOnlyList<NamedParameter> parameters, double learningRate)
    {
        if (parameters.Count == 0) throw new ArgumentException("optimizer: no trainable parameters");
        if (!(learningRate >= 0) || double.IsInfinity(learningRate)) throw new ArgumentException($"optimizer: learning rate must be ≥ 0, got {learningRate}");
        if (parameters.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != parameters.Count)
            throw new ArgumentException("optimizer: parameter names must be unique");
        Parameters = parameters;
        LearningRate = learningRate;
    }

    /// <summary>Names parameters by position ("0", "1", …) for modules trained whole (encoder, GAN); decay applies to all.</summary>
    public static IReadOnlyList<NamedParameter> ByIndex(IEnumerable<Parameter> parameters) =>
        parameters.Where(p => p.requires_grad).Select((p, i) => new NamedParameter(i.ToString(System.Globalization.CultureInfo.InvariantCulture), p, true)).ToList();

    public IReadOnlyList<NamedParameter> Parameters { get; }
    public double LearningRate { get; set; }

    /// <summary>The rate this step applies to <paramref name="p"/>: <see cref="LearningRate"/> × its group's scale.</summary>
    protected double LrOf(NamedParameter p) => LearningRate * p.LrScale;
    /// <summary>Completed optimizer steps.</summary>
    public long Steps { get; private set; }

    public void ZeroGrad()
    {
        // `grad` makes a new Tensor wrapper on every read: keep it in a scope so no GC finalizes it mid-op
        // (docs/torchsharp-hazards.md), whether or not the caller has a scope open.
        using var scope = NewDisposeScope();
        foreach (var p in Parameters) p.Parameter.grad?.zero_();
    }

    public void Step()
    {
        Steps++;
        using var noGrad = no_grad();
        foreach (var np in Parameters)
        {
            if (!np.Parameter.requires_grad) continue;
            using var scope = NewDisposeScope(); // before reading `grad`: the scope holds its wrapper for the whole update
            var grad = np.Parameter.grad;
            if (grad is null) continue;
            using var k = new KeptScalars();
            Update(np, grad, k);
        }
    }

    /// <summary>Updates one parameter in place; every number passed to libtorch goes through <paramref name="k"/>.</summary>
    private protected abstract void Update(NamedParameter p, Tensor grad, KeptScalars k);

    /// <summary>A per-parameter state tensor, created on first use (kept outside any dispose scope).</summary>
    protected Tensor Slot(NamedParameter p, string slot, Func<Tensor> create) => Slot(p, slot, create, out _);

    protected Tensor Slot(NamedParameter p, string slot, Func<Tensor> create, out bool created)
    {
        var key = p.Name + "/" + slot;
        created = !_state.TryGetValue(key, out var t);
        if (created)
        {
            t = create().detach().clone().DetachFromDisposeScope();
            _state[key] = t;
        }
        return t!;
    }

    /// <summary>The state (not copies: do not dispose) plus "steps".</summary>
    public IReadOnlyDictionary<string, Tensor> StateTensors()
    {
        var d = new Dictionary<string, Tensor>(_state, StringComparer.Ordinal);
        _stepsTensor?.Dispose();
        _stepsTensor = tensor(new long[] { Steps }).DetachFromDisposeScope();
        d["steps"] = _stepsTensor;
        return d;
    }

    private Tensor? _stepsTensor;

    /// <summary>Restores <see cref="StateTensors"/> output; names, slots and shapes are checked.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var known = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long steps = 0;
        using var scope = NewDisposeScope(); // holds reshape/detach/to temporaries while the next call reads them
        foreach (var (key, t) in state)
        {
            if (key == "steps")
            {
                if (t.dtype != ScalarType.Int64 || t.NumberOfElements != 1) throw new InvalidDataException("optimizer state 'steps' must be one int64");
                steps = t.reshape(-1)[0].item<long>();
                continue;
            }
            var slash = key.LastIndexOf('/');
            if (slash <= 0 || !known.TryGetValue(key[..slash], out var np))
                throw new InvalidDataException($"optimizer state names a parameter this model lacks: '{key}'");
            if (!KnownSlots.Contains(key[(slash + 1)..])) throw new InvalidDataException($"optimizer state has an unknown slot '{key}'");
            var scalarSlot = t.NumberOfElements == 1 && (key[(slash + 1)..] == "step" || np.Parameter.NumberOfElements != 1);
            if (!scalarSlot && !t.shape.SequenceEqual(np.Parameter.shape))
                throw new InvalidDataException($"optimizer state '{key}' has shape [{string.Join(",", t.shape)}], the parameter [{string.Join(",", np.Parameter.shape)}]");
            loaded[key] = t.detach().to(np.Parameter.device).clone().DetachFromDisposeScope();
        }
        foreach (var t in _state.Values) t.Dispose();
        _state.Clear();
        foreach (var (k, v) in loaded) _state[k] = v;
        Steps = steps;
    }

    /// <summary>The slot names this optimizer writes (checked on load).</summary>
    protected abstract IReadOnlySet<string> KnownSlots { get; }

    public void Dispose()
    {
        foreach (var t in _state.Values) t.Dispose();
        _state.Clear();
        _stepsTensor?.Dispose();
        GC.SuppressFinalize(this);
    }
}
