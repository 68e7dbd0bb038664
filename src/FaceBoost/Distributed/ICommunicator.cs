namespace FaceBoost.Distributed;

/// <summary>The collectives every trainer needs to run data-parallel: a single process uses
/// <see cref="LocalCommunicator"/> (no-ops), several use MPI.</summary>
public interface ICommunicator : IDisposable
{
    int Rank { get; }
    int WorldSize { get; }
    bool IsRoot => Rank == 0;
    string Backend { get; }

    /// <summary>Sums <paramref name="data"/> element-wise over all ranks, in place.</summary>
    void AllReduceSum(Span<float> data);
    void AllReduceSum(Span<double> data);
    /// <summary>Copies root's bytes into every rank's buffer (weights, RNG seeds, options).</summary>
    void Broadcast(Span<byte> data, int root = 0);
    void Barrier();
}
