using System.Runtime.CompilerServices;
using FaceBoost.Synthesis;

namespace FaceBoost.Tests.Synthesis;

internal static class GanTestInit
{
    /// <summary>Caps oneDNN before any test in this assembly creates a conv primitive (see OneDnnWorkaround).</summary>
    [ModuleInitializer]
    internal static void Init() => OneDnnWorkaround.Apply();
}
