using TorchSharp;

namespace FaceBoost.Runtime;

/// <summary>Scalars held by static fields for the hottest ops. TorchSharp's `a + b` passes an implicit alpha = 1
/// Scalar that nothing references once its handle reaches libtorch; when another thread's allocation triggers a GC
/// during the call, the finalizer can free it mid-op ("integral input tensors, alpha must not be a floating point
/// number" / "toFloat: Expected false to be true" in the residual add while loader threads decode).</summary>
public static class RootedScalars
{
    public static readonly Scalar One = 1.ToScalar();
}
