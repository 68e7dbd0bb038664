using System.Diagnostics;
using System.Text.RegularExpressions;
using FaceBoost.Tests.Distributed;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Runtime;

/// <summary>Proves the Scalar ban (RS0030, BannedSymbols.txt) is live: a throwaway project that imports the repo's
/// Directory.Build.props / Directory.Packages.props by absolute path — exactly what every src/ and bench/ project
/// gets — must fail to build on unheld-Scalar calls and build once they are written with held Scalars.
/// Restores from the local NuGet cache (TorchSharp is already there from building this solution).</summary>
[Collection(Recognition.RecognitionCollection.Name)]
public sealed partial class BannedApiProbeTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    // Line numbers matter: the assertions below expect an RS0030 on each of the three banned lines.
    private const string Banned = """
        using TorchSharp;
        using static TorchSharp.torch;
        namespace Probe;
        public static class P
        {
            public static Tensor Bump(Tensor t) => t.add(1.0);
            public static Tensor Sum(Tensor a, Tensor b) => a + b;
            public static Scalar Half() { Scalar s = 0.5; return s; }
        }
        """;

    private const string Held = """
        using TorchSharp;
        using static TorchSharp.torch;
        namespace Probe;
        public static class P
        {
            private static readonly Scalar One = 1.0.ToScalar();
            public static Tensor Bump(Tensor t) => t.add(One, One);
            public static Tensor Sum(Tensor a, Tensor b) => a.add(b, One);
            public static Scalar Half() => 0.5.ToScalar();
        }
        """;

    [Fact]
    public void BuildFailsOnUnheldScalarsAndPassesWithHeldOnes()
    {
        var repo = FaceBoost.Tests.Interop.Python.RepoRoot();
        var dir = Directory.CreateTempSubdirectory("fb-banned-probe").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"),
                $"<Project><Import Project=\"{Path.Combine(repo, "Directory.Build.props")}\" /></Project>");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"),
                $"<Project><Import Project=\"{Path.Combine(repo, "Directory.Packages.props")}\" /></Project>");
            File.WriteAllText(Path.Combine(dir, "Probe.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <ItemGroup><PackageReference Include="TorchSharp" /></ItemGroup>
                </Project>
                """);
            var source = Path.Combine(dir, "Probe.cs");

            File.WriteAllText(source, Banned);
            var (failCode, failOut, failTime) = Build(dir, restore: true);
            log.WriteLine($"banned form: exit {failCode} after {failTime.TotalSeconds:0} s");
            Assert.True(failCode != 0, "the probe with unheld Scalars built:\n" + failOut);
            var lines = Rs0030Line().Matches(failOut).Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
            Assert.True(lines.SetEquals([6, 7, 8]), $"expected RS0030 on lines 6, 7 and 8, got [{string.Join(", ", lines.Order())}]:\n{failOut}");
            Assert.Contains("is banned in this project", failOut);

            File.WriteAllText(source, Held);
            var (okCode, okOut, okTime) = Build(dir, restore: false);
            log.WriteLine($"held form: exit {okCode} after {okTime.TotalSeconds:0} s");
            Assert.True(okCode == 0, "the probe with held Scalars did not build:\n" + okOut);
            Assert.DoesNotContain("RS0030", okOut);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [GeneratedRegex(@"Probe\.cs\((\d+),\d+\): error RS0030")]
    private static partial Regex Rs0030Line();

    /// <summary>`dotnet build` of the probe, with no build server left behind and none of the outer test run's
    /// MSBuild variables (they point the child at the outer build's state).</summary>
    private static (int Code, string Output, TimeSpan Elapsed) Build(string dir, bool restore)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet")
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "build", "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary" }) psi.ArgumentList.Add(a);
        if (!restore) psi.ArgumentList.Add("--no-restore");
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(k);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        var outcome = MpiRun.Run(psi, Limit);
        Assert.False(outcome.TimedOut, $"dotnet build of the probe did not finish within {Limit.TotalMinutes} min:\n{outcome.Output}");
        return (outcome.ExitCode, outcome.Output, outcome.Elapsed);
    }
}
