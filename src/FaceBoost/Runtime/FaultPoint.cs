using System.Runtime.InteropServices;

namespace FaceBoost.Runtime;

/// <summary>Test-only crash points on the checkpoint path: <c>FACEBOOST_FAULT=[enospc:]POINT[@N]</c> SIGKILLs the process
/// (or, with <c>enospc:</c>, throws a disk-full IOException) the N-th time (default 1st) it passes POINT: <c>ckpt-write</c>
/// (temp half written), <c>ckpt-rename</c> (temp complete, not renamed), <c>pointer</c> (temp <c>latest</c> written, not renamed).</summary>
internal static class FaultPoint
{
    private static readonly (string Point, int Nth, bool DiskFull)? Fault = Parse(Environment.GetEnvironmentVariable("FACEBOOST_FAULT"));
    private static int _hits;

    public static void Hit(string point, string path)
    {
        if (Fault is not { } f || f.Point != point || Interlocked.Increment(ref _hits) != f.Nth) return;
        if (f.DiskFull) throw new IOException($"No space left on device : '{path}'", 28 /* ENOSPC */);
        Console.Out.Flush();
        kill(Environment.ProcessId, 9); // SIGKILL: no handler, no finally, no flush, exactly as an OOM kill or power cut
    }

    private static (string, int, bool)? Parse(string? spec)
    {
        if (string.IsNullOrEmpty(spec)) return null;
        bool full = spec.StartsWith("enospc:", StringComparison.Ordinal);
        if (full) spec = spec["enospc:".Length..];
        var at = spec.IndexOf('@');
        return at < 0 ? (spec, 1, full) : (spec[..at], int.TryParse(spec[(at + 1)..], out var n) ? n : 1, full);
    }

    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int sig);
}
