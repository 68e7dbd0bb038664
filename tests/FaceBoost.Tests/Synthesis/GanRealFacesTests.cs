using FaceBoost.Runtime;
using FaceBoost.Synthesis;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Tests.Synthesis;

public sealed class GanRealFacesTests
{
    /// <summary>A short 32×32 run on ORL faces (centre-cropped, resized) must clearly lower the random-feature
    /// Fréchet distance of G_ema from its value at initialisation.</summary>
    [SkippableFact]
    public void ShortTrainingOnOrlLowersFrechetDistance()
    {
        var orl = SharedData.Require("data", "orl");
        TorchRuntime.Initialize();
        var dir = GanTestNets.TempDir();
        using var faces = FaceImageSet.Load([orl], 32, seed: 1);
        Assert.Equal(400, faces.Count);
        var o = new GanTrainOptions(dir, new GanSettings { Resolution = 32, ZDim = 32, WDim = 32, MappingLayers = 2, ChannelBase = 512, ChannelMax = 32,
            BatchSize = 8, Kimg = 1.6, PlWeight = 0 }, AdaKimg: 5, SnapshotKimg: 1.6, SampleKimg: 1.6, LogKimg: 0.4, FdImages: 200, Seed: 1);
        var fd = new FrechetEvaluator(FeatureExtractors.RandomConv(), faces.Head(200), "random-conv", 200);
        using var t = new GanTrainer(o, faces, fd);
        t.Run();
        var fd0 = t.State.InitialFrechetDistance!.Value;
        var fdEnd = fd.Measure(t.GEma);
        Assert.True(fdEnd < 0.7 * fd0, $"Fréchet distance {fd0:F2} → {fdEnd:F2}: expected a clear drop");
        Directory.Delete(dir, true);
    }
}
