using FaceBoost.Runtime;

namespace FaceBoost.Tests.Runtime;

public sealed class MallocTuningTests
{
    /// <summary>On Linux/glibc, bringing libtorch up sets the malloc thresholds unless FACEBOOST_MALLOC_TUNING=0, and
    /// the runtime description says so.</summary>
    [Fact]
    public void InitializeAppliesTheThresholdsOnGlibc()
    {
        TorchRuntime.Initialize();
        if (!OperatingSystem.IsLinux() || !MallocTuning.RequestedByEnvironment) return;
        Assert.True(MallocTuning.Applied, "mallopt refused FaceBoost's thresholds");
        Assert.Contains("malloc tuned yes", TorchRuntime.Describe());
    }
}
