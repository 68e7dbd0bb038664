namespace FaceBoost.Tests;

/// <summary>Locates ../shared (real data and models, read in place). Tests that need it call
/// <see cref="Require"/> and are reported as skipped, with the reason, when it is absent.</summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("FACEBOOST_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        // Walk up from the test binary to the repo root, then look beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (dir.Parent != null && File.Exists(Path.Combine(dir.FullName, "FaceBoost.sln")))
            {
                var beside = Path.Combine(dir.Parent.FullName, "shared");
                return Directory.Exists(Path.Combine(beside, "data")) ? beside : null;
            }
            if (Directory.Exists(Path.Combine(candidate, "data")) && Directory.Exists(Path.Combine(candidate, "models")))
                return candidate;
        }
        return null;
    }

    /// <summary>Returns the full path under ../shared, or skips the calling test with a clear message.</summary>
    public static string Require(params string[] parts)
    {
        Skip.If(Root is null, "../shared is absent (real data for this test); set FACEBOOST_SHARED to its path to run it");
        var p = Path.Combine([Root!, .. parts]);
        Skip.If(!File.Exists(p) && !Directory.Exists(p), $"{p} is absent from ../shared");
        return p;
    }
}
