using System.Runtime.CompilerServices;
using FaceBoost.Runtime;

// One test class at a time — no longer because of Scalars (held everywhere now, BannedSymbols.txt), but because
// tests share process-wide state: libtorch's global RNG (manual_seed + randn in one test, interleaved with another
// test's draws, broke the bit-identical resume checks) and ImageDecoder.MaxPixels (a hostile-file test lowering it
// made a CelebA test reject a 6 MP photo). Measured on 2026-12-02: a fresh-clone CI run with classes in parallel
// failed exactly those tests; serial, they pass. Classes needing the machine to themselves are also in
// Recognition.RecognitionCollection.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace FaceBoost.Tests;

internal static class TestAssemblyInit
{
    /// <summary>Brings libtorch up once, before any test builds a network, so the oneDNN settings of
    /// <see cref="TorchRuntime"/> hold for the whole assembly whatever test runs first.</summary>
    [ModuleInitializer]
    internal static void Init() => TorchRuntime.Initialize();
}
