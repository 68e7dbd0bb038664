using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FaceBoost.Tests.Distributed;

/// <summary>Launches the real CLI (`dotnet faceboost.dll …`) alone or under `mpirun -np N`, as a user would.
/// The tests skip with a message when mpirun is absent (.ci/run installs Open MPI).</summary>
internal static class MpiRun
{
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "faceboost.dll");

    public static string? MpirunPath { get; } = Which("mpirun");

    public static void RequireMpirun() =>
        Skip.If(MpirunPath is null, "mpirun is not installed (Debian: apt-get install openmpi-bin libopenmpi-dev; .ci/run does this)");

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>mpirun arguments for N local ranks: --allow-run-as-root only when we are root.</summary>
    public static IEnumerable<string> MpirunArgs(int ranks) =>
        (IsRoot ? new[] { "--allow-run-as-root" } : []).Concat(["--oversubscribe", "-np", ranks.ToString(), "dotnet", CliDll]);

    public static ProcessStartInfo Cli(IEnumerable<string> args, int ranks, IDictionary<string, string>? env = null)
    {
        var psi = ranks == 1 ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(MpirunPath!);
        foreach (var a in ranks == 1 ? [CliDll, .. args] : MpirunArgs(ranks).Concat(args)) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        // Keep the single-process run from picking up an outer MPI job's variables.
        foreach (var k in new[] { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "FACEBOOST_DIST" }) psi.Environment.Remove(k);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>Runs <paramref name="body"/> with a fresh temporary folder, deleted afterwards (best effort).</summary>
    public static void InTempFolder(string prefix, Action<string> body)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        try { body(root); }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    public sealed record Outcome(int ExitCode, string Output, TimeSpan Elapsed, bool TimedOut);

    /// <summary>Runs to completion and asserts exit code 0, with the process output as the failure message.</summary>
    public static Outcome Succeed(ProcessStartInfo psi, TimeSpan limit)
    {
        var outcome = Run(psi, limit);
        Xunit.Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome;
    }

    /// <summary>Runs to completion (or kills the tree after <paramref name="limit"/>), capturing stdout+stderr.</summary>
    public static Outcome Run(ProcessStartInfo psi, TimeSpan limit, Action<Process>? whileRunning = null)
    {
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        var sw = Stopwatch.StartNew();
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try { whileRunning?.Invoke(p); }
        catch
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true); // never leave a job running behind a failed test
            throw;
        }
        bool exited = p.WaitForExit(limit);
        if (!exited) { p.Kill(entireProcessTree: true); p.WaitForExit(); }
        p.WaitForExit(); // flush async readers
        lock (output) return new Outcome(exited ? p.ExitCode : -1, output.ToString(), sw.Elapsed, !exited);
    }

    /// <summary>Pid of the rank <paramref name="rank"/> process under mpirun <paramref name="mpirunPid"/>
    /// (found through /proc: a descendant whose environment has OMPI_COMM_WORLD_RANK=rank).</summary>
    public static int? FindRank(int mpirunPid, int rank)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var env = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (!env.Contains($"OMPI_COMM_WORLD_RANK={rank}")) continue;
                if (IsDescendant(pid, mpirunPid)) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return null;
    }

    private static bool IsDescendant(int pid, int ancestor)
    {
        for (int i = 0; i < 16 && pid > 1; i++)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            pid = int.Parse(fields[1]); // ppid
            if (pid == ancestor) return true;
        }
        return false;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)] private static extern int SysKill(int pid, int signal);
    public const int SigKill = 9, SigStop = 19;
    public static void Signal(int pid, int signal) => SysKill(pid, signal);

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
