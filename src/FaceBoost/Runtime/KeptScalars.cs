using TorchSharp;

namespace FaceBoost.Runtime;

/// <summary>Scalars that stay reachable until disposed. An implicit double → Scalar temporary is referenced by
/// nothing once its handle is passed to libtorch, so a GC finalizer can free it mid-op (seen as "toFloat: Expected
/// false to be true" in an optimizer step); optimizers create their scalars here instead.</summary>
internal sealed class KeptScalars : IDisposable
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

    public void Dispose()
    {
        foreach (var s in _kept) s.Dispose();
        _kept.Clear();
    }
}
