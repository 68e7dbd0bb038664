using System.Diagnostics;

namespace FaceBoost.Tests.Interop;

/// <summary>Runs Debian's python3 for cross-checks against the reference implementations; tests skip
/// with a message when it (or a module they need) is absent.</summary>
internal static class Python
{
    public static string? Exe { get; } = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);

    public static void RequireModule(string module)
    {
        Skip.If(Exe is null, "python3 is not installed; skipping the cross-check with Python");
        var (code, _, err) = Run($"-c \"import {module}\"");
        Skip.If(code != 0, $"python3 module '{module}' is absent (apt-get install -y python3-{module}): {err.Trim()}");
    }

    public static (int Code, string Stdout, string Stderr) Run(string args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(Exe!, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin != null, UseShellExecute = false,
        };
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        if (stdin != null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, errTask.Result);
    }

    public static string Check(string args, string? stdin = null)
    {
        var (code, o, e) = Run(args, stdin);
        if (code != 0) throw new InvalidOperationException($"python3 {args} failed ({code}): {e}");
        return o;
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FaceBoost.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("repository root (FaceBoost.sln) not found above the test binary");
    }
}
