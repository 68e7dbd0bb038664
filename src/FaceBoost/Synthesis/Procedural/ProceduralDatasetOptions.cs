namespace FaceBoost.Synthesis.Procedural;

/// <summary>A labeled procedural dataset: <see cref="Identities"/> people × <see cref="ImagesPerIdentity"/> images.
/// Identity i gets global index <see cref="IdentityOffset"/> + i and group Groups[i mod Groups.Count], so
/// groups are balanced and two datasets with the same seed share no person when their index ranges
/// [offset, offset + identities) do not overlap.</summary>
public sealed record ProceduralDatasetOptions
{
    public int Identities { get; init; } = 100;
    public int ImagesPerIdentity { get; init; } = 10;
    public int Size { get; init; } = 64;
    public ulong Seed { get; init; } = 1;
    public IReadOnlyList<string> Groups { get; init; } = ["A", "B", "C", "D"];
    public long IdentityOffset { get; init; }
    public NuisanceOptions Nuisance { get; init; } = new();
    /// <summary>Worker threads; 0 = all cores.</summary>
    public int Threads { get; init; }
}

/// <summary>An unlabeled pool for GAN / encoder pretraining: <see cref="Count"/> images in one flat folder,
/// from Count / ImagesPerIdentity people whose groups are drawn from <see cref="GroupMix"/> (weights).
/// Identities use indices [IdentityOffset, IdentityOffset + people), so pools keep clear of labeled and
/// evaluation sets by choosing disjoint offsets (see <see cref="ProceduralDataset.PoolOffset"/>).</summary>
public sealed record UnlabeledPoolOptions
{
    public int Count { get; init; } = 1000;
    public int ImagesPerIdentity { get; init; } = 2;
    public int Size { get; init; } = 64;
    public ulong Seed { get; init; } = 1;
    public IReadOnlyDictionary<string, double> GroupMix { get; init; } = new Dictionary<string, double> { ["A"] = 1, ["B"] = 1, ["C"] = 1, ["D"] = 1 };
    public long IdentityOffset { get; init; } = ProceduralDataset.PoolOffset(0);
    public NuisanceOptions Nuisance { get; init; } = new();
    public int Threads { get; init; }
}

/// <summary>What a generator wrote: the identity index range it used, image count and time.</summary>
public sealed record ProceduralDatasetSummary(string Root, int Identities, int Images, long FirstIdentity, long EndIdentity, TimeSpan Elapsed)
{
    public double ImagesPerSecond => Images / Math.Max(1e-9, Elapsed.TotalSeconds);
}
