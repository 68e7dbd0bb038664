namespace FaceBoost.Synthesis.Procedural;

/// <summary>How one demographic-like group shifts the identity distribution (skin tone, hair, eyes, face
/// shape), in the spirit of RFW's four groups, so that per-group results of a pipeline can differ. The
/// groups are invented and overlap; they are stand-ins for data imbalance, not models of real people.</summary>
public sealed record DemographicGroup
{
    public required string Name { get; init; }
    /// <summary>Skin lightness range on the dark→light ramp of <see cref="SkinPalette"/> (0..1).</summary>
    public required (float Lo, float Hi) SkinTone { get; init; }
    /// <summary>Undertone shift: positive = yellow/olive, negative = pink.</summary>
    public float Undertone { get; init; }
    /// <summary>Weights over <see cref="HairPalette"/>.</summary>
    public required double[] HairColourWeights { get; init; }
    /// <summary>Weights over <see cref="HairStyle"/> values in declaration order.</summary>
    public required double[] HairStyleWeights { get; init; }
    /// <summary>Weights over <see cref="EyePalette"/>.</summary>
    public required double[] EyeColourWeights { get; init; }
    public float FaceWidth { get; init; } = 40f;
    public float JawSquareness { get; init; } = 2.6f;
    public float NoseWidth { get; init; } = 12f;
    public float LipThickness { get; init; } = 3.2f;
    public float EyeOpening { get; init; } = 0.45f;
    public float BrowThickness { get; init; } = 2.6f;
    public double FrecklesProbability { get; init; } = 0.05;
    public double FacialHairProbability { get; init; } = 0.35;
    public double GlassesProbability { get; init; } = 0.15;

    /// <summary>Dark → light skin ramp; tones between stops are interpolated.</summary>
    public static readonly Rgb[] SkinPalette =
    [
        new(0.24f, 0.15f, 0.11f), new(0.40f, 0.26f, 0.18f), new(0.58f, 0.40f, 0.29f),
        new(0.76f, 0.57f, 0.44f), new(0.88f, 0.71f, 0.59f), new(0.97f, 0.84f, 0.76f),
    ];

    /// <summary>Black, dark brown, brown, light brown, blond, red, grey.</summary>
    public static readonly Rgb[] HairPalette =
    [
        new(0.07f, 0.06f, 0.06f), new(0.20f, 0.13f, 0.09f), new(0.36f, 0.23f, 0.13f),
        new(0.55f, 0.40f, 0.24f), new(0.86f, 0.74f, 0.47f), new(0.62f, 0.25f, 0.10f), new(0.62f, 0.62f, 0.62f),
    ];

    /// <summary>Dark brown, brown, hazel, green, blue, grey.</summary>
    public static readonly Rgb[] EyePalette =
    [
        new(0.16f, 0.09f, 0.05f), new(0.33f, 0.20f, 0.10f), new(0.48f, 0.38f, 0.18f),
        new(0.30f, 0.48f, 0.28f), new(0.28f, 0.45f, 0.70f), new(0.50f, 0.55f, 0.58f),
    ];

    //                                   Bald Buzz Short Side Fringe Long Afro Bun Curly
    public static readonly DemographicGroup A = new()
    {
        Name = "A", SkinTone = (0.00f, 0.40f), Undertone = -0.01f,
        HairColourWeights = [0.75, 0.22, 0.03, 0, 0, 0, 0.02],
        HairStyleWeights = [0.08, 0.22, 0.12, 0.04, 0.02, 0.10, 0.22, 0.08, 0.12],
        EyeColourWeights = [0.8, 0.2, 0, 0, 0, 0],
        FaceWidth = 40.5f, JawSquareness = 2.7f, NoseWidth = 15f, LipThickness = 4.2f, EyeOpening = 0.50f, BrowThickness = 2.4f,
        FrecklesProbability = 0.02, FacialHairProbability = 0.35, GlassesProbability = 0.12,
    };

    public static readonly DemographicGroup B = new()
    {
        Name = "B", SkinTone = (0.55f, 0.85f), Undertone = 0.035f,
        HairColourWeights = [0.80, 0.17, 0.02, 0, 0, 0, 0.01],
        HairStyleWeights = [0.03, 0.08, 0.22, 0.15, 0.25, 0.17, 0, 0.09, 0.01],
        EyeColourWeights = [0.75, 0.25, 0, 0, 0, 0],
        FaceWidth = 41.5f, JawSquareness = 2.4f, NoseWidth = 12.5f, LipThickness = 3.0f, EyeOpening = 0.34f, BrowThickness = 2.0f,
        FrecklesProbability = 0.02, FacialHairProbability = 0.15, GlassesProbability = 0.25,
    };

    public static readonly DemographicGroup C = new()
    {
        Name = "C", SkinTone = (0.70f, 1.00f), Undertone = -0.025f,
        HairColourWeights = [0.10, 0.22, 0.22, 0.16, 0.18, 0.08, 0.04],
        HairStyleWeights = [0.06, 0.07, 0.20, 0.18, 0.12, 0.22, 0, 0.08, 0.07],
        EyeColourWeights = [0.08, 0.20, 0.14, 0.16, 0.30, 0.12],
        FaceWidth = 38.5f, JawSquareness = 2.6f, NoseWidth = 10.5f, LipThickness = 2.6f, EyeOpening = 0.47f, BrowThickness = 2.3f,
        FrecklesProbability = 0.25, FacialHairProbability = 0.35, GlassesProbability = 0.18,
    };

    public static readonly DemographicGroup D = new()
    {
        Name = "D", SkinTone = (0.35f, 0.70f), Undertone = 0.02f,
        HairColourWeights = [0.55, 0.38, 0.05, 0, 0, 0, 0.02],
        HairStyleWeights = [0.06, 0.12, 0.20, 0.16, 0.08, 0.18, 0.02, 0.06, 0.12],
        EyeColourWeights = [0.55, 0.35, 0.08, 0.02, 0, 0],
        FaceWidth = 39.5f, JawSquareness = 2.8f, NoseWidth = 13f, LipThickness = 3.4f, EyeOpening = 0.46f, BrowThickness = 3.1f,
        FrecklesProbability = 0.04, FacialHairProbability = 0.50, GlassesProbability = 0.15,
    };

    public static IReadOnlyList<DemographicGroup> BuiltIn { get; } = [A, B, C, D];

    /// <summary>The built-in group of that name (A, B, C or D; case-insensitive).</summary>
    public static DemographicGroup Get(string name)
        => BuiltIn.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"unknown procedural group '{name}'; the built-in groups are {string.Join(", ", BuiltIn.Select(g => g.Name))}", nameof(name));

    internal static Rgb SkinColour(float tone, float undertone)
    {
        float pos = Math.Clamp(tone, 0, 1) * (SkinPalette.Length - 1);
        int i = Math.Min((int)pos, SkinPalette.Length - 2);
        var c = Rgb.Lerp(SkinPalette[i], SkinPalette[i + 1], pos - i);
        return c.Shift(-0.5f * undertone, 0.4f * undertone, -1.2f * undertone);
    }
}
