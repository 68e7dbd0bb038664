using System.Diagnostics;

namespace FaceBoost.Distributed;

/// <summary>Checks a communicator end to end (ranks see the right sums and rank 0's broadcast) and
/// measures all-reduce bandwidth — what a user runs first on a new cluster.</summary>
public static class DistributedSelfCheck
{
    public sealed record Result(int Rank, int WorldSize, string Backend, bool SumsCorrect, bool BroadcastCorrect,
        long Floats, double SecondsPerAllReduce, double BusBandwidthGBps);

    public static Result Run(ICommunicator comm, long floats = 25_000_000, int repeats = 5)
    {
        int n = comm.WorldSize;
        var probe = new float[1024];
        for (int i = 0; i < probe.Length; i++) probe[i] = comm.Rank + i;
        comm.AllReduceSum(probe);
        // Σ_r (r + i) = n(n−1)/2 + n·i
        bool sums = probe.Select((v, i) => Math.Abs(v - (n * (n - 1) / 2f + n * i)) < 1e-3f).All(x => x);
        var bytes = new byte[64];
        if (comm.IsRoot) for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(i * 7 + 3);
        comm.Broadcast(bytes);
        bool bcast = bytes.Select((b, i) => b == (byte)(i * 7 + 3)).All(x => x);

        var buf = new float[floats];
        comm.AllReduceSum(buf); // warm-up
        comm.Barrier();
        var sw = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++) comm.AllReduceSum(buf);
        comm.Barrier();
        double sec = sw.Elapsed.TotalSeconds / repeats;
        // nccl-tests' "bus bandwidth": algorithm bandwidth × 2(n−1)/n, comparable across world sizes.
        double busBw = n > 1 ? floats * 4.0 / sec * 2.0 * (n - 1) / n / 1e9 : 0;
        return new Result(comm.Rank, n, comm.Backend, sums, bcast, floats, sec, busBw);
    }
}
