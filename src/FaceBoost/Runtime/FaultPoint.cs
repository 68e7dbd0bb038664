using System.Runtime.InteropServices;

namespace FaceBoost.Runtime;

/// <summary>Test-only crash points on the checkpoint path: <c>FACEBOOST_FAULT=POINT[@N]</c> SIGKILLs the process the N-th time (default 1st) it passes POINT: <c>ckpt-write</c>
/// (temp half written), <c>ckpt-rename</c> (temp complete, not renamed), <c>pointer</c> (temp <c>latest</c> written, not renamed).</summary>
internal static class FaultPoint
{
    private static readonly (string Point, int Nth)? Fault = Parse(Environment.GetEnvironmentVariable("FACEBOOST_FAULT"));
    private static int _hits;

    public static void Hit(string point, string path)
    {
        if (Fault is not { } f || f.Point != point || Interlocked.Increment(ref _hits) != f.Nth) return;
        Console.Out.Flush();
        kill(Environment.ProcessId, 9); // SIGKILL: no handler, no finally, no flush, exactly as an OOM kill or power cut
    }

    private static (string, int)? Parse(string? spec)
    {
        if (string.IsNullOrEmpty(spec)) return null;
        var at = spec.IndexOf('@');
        return at < 0 ? (spec, 1) : (spec[..at], int.TryParse(spec[(at + 1)..], out var n) ? n : 1);
    }

    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int sig);
}
