using System.Runtime.CompilerServices;
using FaceBoost.Runtime;

// One test class at a time. TorchSharp passes implicit Scalars (e.g. the alpha of `a + b`, BatchNorm's
// num_batches_tracked increment) that nothing references once their handle reaches libtorch; another test's
// allocations on a parallel thread can start a GC that finalizes one mid-op (seen in CI as "For integral input
// tensors, argument alpha must not be a floating point number" and "toFloat: Expected false to be true").
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace FaceBoost.Tests;

internal static class TestAssemblyInit
{
    /// <summary>Brings libtorch up once, before any test builds a network, so the oneDNN settings of
    /// <see cref="TorchRuntime"/> hold for the whole assembly whatever test runs first.</summary>
    [ModuleInitializer]
    internal static void Init() => TorchRuntime.Initialize();
}
