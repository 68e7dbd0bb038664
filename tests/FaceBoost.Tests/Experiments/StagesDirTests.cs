using FaceBoost.Experiments;

namespace FaceBoost.Tests.Experiments;

/// <summary>stagesDir: a config may point its stage cache at another config's, and still write its own report.</summary>
public sealed class StagesDirTests
{
    [Fact]
    public void TheCacheIsWorkDirStagesUnlessTheConfigNamesOneRelativeToItsFolder()
    {
        var baseDir = Path.Combine(Path.GetTempPath(), "fb-stagesdir");
        var plain = new ExperimentRunner(new ExperimentConfig { WorkDir = "work-strong" }, baseDir);
        Assert.Equal(Path.Combine(baseDir, "work-strong", "stages"), plain.StagesDir);

        var shared = new ExperimentRunner(new ExperimentConfig { WorkDir = "work-strong", StagesDir = "work/stages" }, baseDir);
        Assert.Equal(Path.Combine(baseDir, "work-strong"), shared.WorkDir);
        Assert.Equal(Path.Combine(baseDir, "work", "stages"), shared.StagesDir);
        Assert.DoesNotContain("stagesDir", System.Text.Json.JsonSerializer.Serialize(new ExperimentConfig(), JsonConfig.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void AStageFolderLivesDirectlyInTheCacheAndTheSameKeyFindsIt()
    {
        var root = Path.Combine(Path.GetTempPath(), $"fb-stagecache-{Guid.NewGuid():N}");
        try
        {
            var a = new StageCache(root).Get("gan", new { kimg = 20, channelMax = 64 });
            Assert.Equal(root, Path.GetDirectoryName(a.Dir));
            var b = new StageCache(root).Get("gan", new { kimg = 20, channelMax = 64 });
            Assert.Equal(a.Dir, b.Dir);
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
    }
}
