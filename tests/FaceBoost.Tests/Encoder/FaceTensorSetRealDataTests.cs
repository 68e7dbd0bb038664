using FaceBoost.Training;

namespace FaceBoost.Tests.Encoder;

public sealed class FaceTensorSetRealDataTests
{
    // Regression: loading this pool (3,000+ grey PGMs of mixed sizes) crashed the process inside libtorch when the
    // chained tensor temporaries of each image were left to the GC outside any dispose scope.
    [SkippableFact]
    public void LoadsOrlAndYaleIntoOneTensorInGeneratorRange()
    {
        var orl = SharedData.Require("data", "orl");
        var yale = SharedData.Require("data", "extended-yaleb");
        var files = Directory.EnumerateFiles(orl, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(yale, "*.pgm", SearchOption.AllDirectories).Where(f => !f.EndsWith("_Ambient.pgm", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
        using var set = FaceTensorSet.FromFiles(files, 32);
        Assert.Equal(files.Count - set.Skipped.Count, (int)set.Count);
        Assert.True(set.Count > 2500, $"only {set.Count} of {files.Count} images loaded");
        Assert.Equal([set.Count, 3, 32, 32], set.Images.shape);
        using var scope = TorchSharp.torch.NewDisposeScope(); // keeps min()/max() temporaries reachable during item()
        Assert.InRange(set.Images.min().item<float>(), -1.0001f, 1f);
        Assert.InRange(set.Images.max().item<float>(), -1f, 1.0001f);
    }
}
