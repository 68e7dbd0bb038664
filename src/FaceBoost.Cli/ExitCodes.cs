namespace FaceBoost.Cli;

/// <summary>The process exit codes of `faceboost` (README "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>An unexpected failure: a bug. The message says so; --verbose or FACEBOOST_DEBUG=1 adds the stack trace.</summary>
    public const int Bug = 1;
    /// <summary>Bad input or usage: unknown/missing/out-of-range options, a missing or malformed input file.</summary>
    public const int BadInput = 2;
    /// <summary>An I/O failure: disk full, read-only or unreadable folder, permission denied.</summary>
    public const int Io = 3;
    /// <summary>The data-parallel job failed: a peer rank died or hung, or MPI reported an error.</summary>
    public const int Distributed = 4;
    /// <summary>Interrupted (Ctrl-C).</summary>
    public const int Interrupted = 130;
}
