namespace FaceBoost.Synthesis.Procedural;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator whose output is fixed by
/// its definition, so procedural datasets are reproducible across .NET versions — unlike
/// System.Random, whose algorithm is an implementation detail.</summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for a sub-stream keyed by (seed, a, b, c): the same keys always give the same
    /// stream, and streams for different keys are statistically independent.</summary>
    public static SplitMix64 For(ulong seed, ulong a, ulong b = 0, ulong c = 0)
        => new(Mix(Mix(Mix(seed ^ 0x6A09E667F3BCC909UL) ^ a) ^ Mix(b + 0x3C6EF372FE94F82BUL)) ^ Mix(c + 0xA54FF53A5F1D36F1UL));

    /// <summary>The SplitMix64 finaliser: a bijective avalanche of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public float Uniform(float lo, float hi) => lo + (float)NextDouble() * (hi - lo);

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be positive");
        return (int)((NextUInt64() >> 33) % (ulong)n);
    }

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
}
