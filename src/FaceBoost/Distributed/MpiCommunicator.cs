using System.Diagnostics;

namespace FaceBoost.Distributed;

/// <summary>Collectives over Open MPI on the tensors' CPU buffers. Every collective is non-blocking
/// and polled against a deadline, so a dead peer becomes a clear <see cref="TimeoutException"/>
/// instead of a hang (mpirun usually also tears the job down when a rank dies).</summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private const int MaxChunk = 1 << 28; // MPI counts are int: split very large buffers
    private bool _disposed;

    public int Rank { get; }
    public int WorldSize { get; }
    public string Backend => "mpi";
    public TimeSpan Timeout { get; }

    public MpiCommunicator(TimeSpan? timeout = null)
    {
        Timeout = timeout ?? TimeSpan.FromMinutes(5);
        MpiNative.Load();
        Check(MpiNative.Initialized(out int already), "MPI_Initialized");
        if (already == 0) Check(MpiNative.Init(IntPtr.Zero, IntPtr.Zero), "MPI_Init");
        Check(MpiNative.CommRank(MpiNative.CommWorld, out int rank), "MPI_Comm_rank");
        Check(MpiNative.CommSize(MpiNative.CommWorld, out int size), "MPI_Comm_size");
        Rank = rank; WorldSize = size;
    }

    public void AllReduceSum(Span<float> data)
    {
        fixed (float* p = data)
            for (int off = 0; off < data.Length; off += MaxChunk)
            {
                Check(MpiNative.Iallreduce(MpiNative.InPlace, (IntPtr)(p + off), Math.Min(MaxChunk, data.Length - off),
                    MpiNative.Float, MpiNative.OpSum, MpiNative.CommWorld, out var req), "MPI_Iallreduce");
                Wait(req, "all-reduce");
            }
    }

    public void AllReduceSum(Span<double> data)
    {
        fixed (double* p = data)
            for (int off = 0; off < data.Length; off += MaxChunk)
            {
                Check(MpiNative.Iallreduce(MpiNative.InPlace, (IntPtr)(p + off), Math.Min(MaxChunk, data.Length - off),
                    MpiNative.Double, MpiNative.OpSum, MpiNative.CommWorld, out var req), "MPI_Iallreduce");
                Wait(req, "all-reduce");
            }
    }

    public void Broadcast(Span<byte> data, int root = 0)
    {
        fixed (byte* p = data)
            for (int off = 0; off < data.Length; off += MaxChunk)
            {
                Check(MpiNative.Ibcast((IntPtr)(p + off), Math.Min(MaxChunk, data.Length - off), MpiNative.Byte, root,
                    MpiNative.CommWorld, out var req), "MPI_Ibcast");
                Wait(req, "broadcast");
            }
    }

    public void Barrier()
    {
        Check(MpiNative.Ibarrier(MpiNative.CommWorld, out var req), "MPI_Ibarrier");
        Wait(req, "barrier");
    }

    private void Wait(IntPtr request, string what)
    {
        var sw = Stopwatch.StartNew();
        int spins = 0;
        while (true)
        {
            Check(MpiNative.Test(ref request, out int done, IntPtr.Zero), "MPI_Test");
            if (done != 0) return;
            if (sw.Elapsed > Timeout)
                throw new TimeoutException(
                    $"rank {Rank}/{WorldSize}: {what} did not complete within {Timeout.TotalSeconds:0} s — another rank has " +
                    "probably died or stopped calling collectives (check its output); aborting instead of hanging");
            // Non-blocking collectives only progress inside MPI_Test, so poll hot (yielding the core to peers on an
            // oversubscribed host) while data flows; back off to 1 ms sleeps only once a peer looks stalled.
            if (++spins < 1000 || sw.Elapsed.TotalSeconds < 1) Thread.Yield(); else Thread.Sleep(1);
        }
    }

    private void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error {code} on rank {Rank}");
    }

    /// <summary>Ends the whole job: used after a timeout so that peers stuck in a collective are released.</summary>
    public void AbortJob(int code = 1) => MpiNative.Abort(MpiNative.CommWorld, code);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        MpiNative.Finalize();
    }
}
