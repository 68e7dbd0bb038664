using FaceBoost.Synthesis;
using FaceBoost.Nets.StyleGan;
using FaceBoost.Training;

namespace FaceBoost.Tests.Synthesis;

/// <summary>Tiny shapes shared by the synthesis tests.</summary>
internal static class GanTestNets
{
    public static GeneratorOptions Tiny(int res = 8) => new(res, ZDim: 4, WDim: 4, MappingLayers: 2, ChannelBase: 32, ChannelMax: 4);

    public static GanTrainOptions TinyTraining(string runDir, int res = 8, double adaKimg = 0.01) => new(
        runDir, new GanSettings { Resolution = res, ZDim = 8, WDim = 8, MappingLayers = 2, ChannelBase = 64, ChannelMax = 8, BatchSize = 4, Kimg = 0.04 },
        AdaKimg: adaKimg, SnapshotKimg: 0.02, SampleKimg: 0.02, LogKimg: 0.008,
        FdImages: 16, SampleGridSize: 8, Seed: 3);

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "fb-gan-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
