using System.Runtime.CompilerServices;
using FaceBoost.Runtime;

// Test classes run in parallel (xUnit's default, one collection per class); what needs the process to itself is in
// Recognition.RecognitionCollection. Held Scalars everywhere (BannedSymbols.txt, docs/torchsharp-hazards.md) are what
// made this safe again: an unheld one used to be finalized mid-op by a GC that another test's allocations started.

namespace FaceBoost.Tests;

internal static class TestAssemblyInit
{
    /// <summary>Brings libtorch up once, before any test builds a network, so the oneDNN settings of
    /// <see cref="TorchRuntime"/> hold for the whole assembly whatever test runs first.</summary>
    [ModuleInitializer]
    internal static void Init() => TorchRuntime.Initialize();
}
