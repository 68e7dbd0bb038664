using TorchSharp;

namespace FaceBoost.Runtime;

/// <summary>Per-step Scalars that stay referenced until the holder is disposed: `using var k = new KeptScalars();`
/// then `t.mul_(k[beta])`. For values that change per step (learning rates, bias corrections); constants live in
/// <see cref="Scalars"/>.</summary>
public sealed class KeptScalars : IDisposable
{
    private readonly List<Scalar> _kept = [];

    public Scalar this[double value]
    {
        get
        {
            var s = value.ToScalar();
            _kept.Add(s);
            return s;
        }
    }

    /// <summary>An integral Scalar (for integer tensors, or to keep an integer operand's exact old type).</summary>
    public Scalar Int(long value)
    {
        var s = value.ToScalar();
        _kept.Add(s);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _kept) s.Dispose();
        _kept.Clear();
    }
}
