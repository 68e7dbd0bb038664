namespace FaceBoost.Data;

/// <summary>How <see cref="FaceLoader"/> batches a dataset. <paramref name="BatchSize"/> is per rank; with
/// <paramref name="WorldSize"/> &gt; 1, global batch k is the concatenation of every rank's batch k, so the ranks
/// together see exactly what one process with batch BatchSize × WorldSize sees. <paramref name="Prefetch"/> is the
/// most batches decoded ahead of the consumer (memory bound: Prefetch + Workers batches).</summary>
public sealed record LoaderOptions(
    int BatchSize,
    int Workers = 2,
    int Prefetch = 4,
    bool Shuffle = true,
    bool DropLast = true,
    int Seed = 0,
    int Rank = 0,
    int WorldSize = 1)
{
    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"{BatchSize}: must be positive");
        if (Workers < 0) throw new ArgumentOutOfRangeException(nameof(Workers), $"{Workers}: must be 0 (decode on the caller's thread) or more");
        if (Prefetch <= 0) throw new ArgumentOutOfRangeException(nameof(Prefetch), $"{Prefetch}: must be positive");
        if (WorldSize <= 0) throw new ArgumentOutOfRangeException(nameof(WorldSize), $"{WorldSize}: must be positive");
        if (Rank < 0 || Rank >= WorldSize) throw new ArgumentOutOfRangeException(nameof(Rank), $"rank {Rank} outside 0..{WorldSize - 1}");
    }
}
