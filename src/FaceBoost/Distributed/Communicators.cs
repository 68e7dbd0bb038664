namespace FaceBoost.Distributed;

public static class Communicators
{
    /// <summary>True when this process was started by mpirun/mpiexec (Open MPI or PMIx sets these).</summary>
    public static bool LaunchedByMpi =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null
        || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <summary>MPI when launched by mpirun (or forced with FACEBOOST_DIST=mpi), otherwise the local no-op.
    /// A single process never touches libmpi.</summary>
    public static ICommunicator FromEnvironment(TimeSpan? timeout = null)
    {
        var forced = Environment.GetEnvironmentVariable("FACEBOOST_DIST");
        if (forced == "local" || (forced != "mpi" && !LaunchedByMpi)) return LocalCommunicator.Instance;
        var seconds = Environment.GetEnvironmentVariable("FACEBOOST_DIST_TIMEOUT");
        timeout ??= double.TryParse(seconds, System.Globalization.CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;
        return new MpiCommunicator(timeout);
    }
}
