using FaceBoost.Distributed;

namespace FaceBoost.Cli;

/// <summary>How a training verb runs as one rank of an mpirun job: rank 0 reports, the others train silently, and a
/// peer that died or hung ends the whole job with exit code 4 instead of leaving ranks waiting.</summary>
internal static class DataParallel
{
    public static int Run(ICommunicator comm, string batchDescription, Func<bool, int> train)
    {
        try
        {
            if (comm.WorldSize > 1 && comm.IsRoot)
                Console.WriteLine($"data-parallel: {comm.WorldSize} ranks ({comm.Backend}), {batchDescription}");
            return train(comm.WorldSize == 1 || comm.IsRoot);
        }
        catch (TimeoutException ex) when (comm is MpiCommunicator mpi)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.Flush();
            mpi.AbortJob(4);
            return 4;
        }
    }
}
