namespace FaceBoost.Data;

/// <summary>SplitMix64: a tiny seeded generator whose sequence is fixed by this code, not by the
/// .NET version (System.Random's algorithm is unspecified), so splits, shuffles and augmentations
/// stay identical across machines and runtimes.</summary>
public sealed class SeededRandom
{
    private ulong _state;

    public SeededRandom(ulong seed) => _state = seed;
    public SeededRandom(long seed) : this(unchecked((ulong)seed)) { }
    public SeededRandom(params ReadOnlySpan<long> keys) : this(Mix(keys)) { }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return Finalize(z);
    }

    /// <summary>Uniform integer in [0, maxExclusive) without modulo bias (Lemire's method with rejection).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), "must be positive");
        ulong range = (ulong)maxExclusive;
        while (true)
        {
            ulong x = NextUInt64() >> 32;           // 32 random bits
            ulong m = x * range;                     // fits in 64 bits
            if ((uint)m >= (uint)((0x1_0000_0000UL - range) % range)) return (int)(m >> 32);
        }
    }

    public int NextInt(int minInclusive, int maxExclusive) => minInclusive + NextInt(maxExclusive - minInclusive);

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle(p);
        return p;
    }

    /// <summary>Hashes several keys (seed, epoch, sample index, …) into one well-mixed seed, so that
    /// e.g. an augmentation's randomness is a pure function of its keys.</summary>
    public static ulong Mix(params ReadOnlySpan<long> keys)
    {
        ulong h = 0x243F6A8885A308D3UL;
        foreach (long k in keys) h = Finalize(h ^ Finalize(unchecked((ulong)k) + 0x9E3779B97F4A7C15UL));
        return h;
    }

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
