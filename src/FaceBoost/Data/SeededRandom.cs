namespace FaceBoost.Data;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose sequence is fixed by this code, not by
/// the .NET version (System.Random's algorithm is unspecified), so splits, shuffles, augmentations and procedural
/// datasets stay identical across machines and runtimes.</summary>
public sealed class SeededRandom
{
    private ulong _state;

    public SeededRandom(ulong seed) => _state = seed;
    public SeededRandom(long seed) : this(unchecked((ulong)seed)) { }
    public SeededRandom(params ReadOnlySpan<long> keys) : this(Mix(keys)) { }

    /// <summary>A generator for a sub-stream keyed by (seed, a, b, c): the same keys always give the same stream, and
    /// streams for different keys are statistically independent. (The procedural datasets are defined by this keying;
    /// <see cref="Mix(ReadOnlySpan{long})"/> is the one the loaders use.)</summary>
    public static SeededRandom For(ulong seed, ulong a, ulong b = 0, ulong c = 0)
        => new(Step(Step(Step(seed ^ 0x6A09E667F3BCC909UL) ^ a) ^ Step(b + 0x3C6EF372FE94F82BUL)) ^ Step(c + 0xA54FF53A5F1D36F1UL));

    public ulong NextUInt64() => Finalize(_state += Gamma);

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

    /// <summary>Integer in [0, n) as (31 random bits) mod n: biased by at most n/2³¹, one draw always. The procedural
    /// datasets are defined by it (their images must not change); new code uses <see cref="NextInt(int)"/>.</summary>
    public int NextIntByModulo(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be positive");
        return (int)((NextUInt64() >> 33) % (ulong)n);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public float Uniform(float lo, float hi) => lo + (float)NextDouble() * (hi - lo);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal by Box–Muller (one value per call; simple beats fast here).</summary>
    public float Normal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>Normal(mean, sd) clamped to [lo, hi], so a rare draw never produces a broken face.</summary>
    public float Normal(float mean, float sd, float lo, float hi) => Math.Clamp(mean + sd * Normal(), lo, hi);

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += Math.Max(0, w);
        if (total <= 0) throw new ArgumentException("weights must have a positive sum", nameof(weights));
        double r = NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            r -= Math.Max(0, weights[i]);
            if (r < 0) return i;
        }
        return weights.Length - 1;
    }

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
        foreach (long k in keys) h = Finalize(h ^ Step(unchecked((ulong)k)));
        return h;
    }

    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>One generator step from state z: the finaliser of z + γ.</summary>
    private static ulong Step(ulong z) => Finalize(z + Gamma);

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
