using FaceBoost.Runtime;
using TorchSharp;

namespace FaceBoost.Tests;

public sealed class TorchLoadTests
{
    [Fact]
    public void TensorOpRunsOnThisMachine()
    {
        TorchRuntime.Initialize();
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var b = a.matmul(a.t());
        Assert.Equal(new float[] { 5, 14, 14, 50 }, b.data<float>().ToArray());
    }
}
