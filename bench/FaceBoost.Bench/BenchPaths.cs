namespace FaceBoost.Bench;

/// <summary>Where the bench folder is, found from the binary (the repository holds FaceBoost.sln).</summary>
public static class BenchPaths
{
    public static string Root { get; } = FindRoot();
    public static string Results => Path.Combine(Root, "results");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return Path.Combine(d.FullName, "bench");
        throw new DirectoryNotFoundException("run the benchmarks from the repository (FaceBoost.sln not found above the binary)");
    }
}
