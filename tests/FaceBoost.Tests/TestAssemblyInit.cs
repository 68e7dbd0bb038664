using System.Runtime.CompilerServices;
using FaceBoost.Runtime;

namespace FaceBoost.Tests;

internal static class TestAssemblyInit
{
    /// <summary>Brings libtorch up once, before any test builds a network, so the oneDNN settings of
    /// <see cref="TorchRuntime"/> hold for the whole assembly whatever test runs first.</summary>
    [ModuleInitializer]
    internal static void Init() => TorchRuntime.Initialize();
}
