using FaceBoost.Data;
namespace FaceBoost.Synthesis.Procedural;

/// <summary>Who a procedural person is: everything that stays fixed across their images. Geometry is in
/// the 112×112 ArcFace frame (eyes near (38.3, 51.7) and (73.5, 51.5), nose tip (56, 71.7), mouth
/// corners (41.5, 92.4) and (70.7, 92.2)); identity moves features a few pixels around that template, so
/// renders stay roughly aligned crops.</summary>
public sealed record FaceIdentity
{
    /// <summary>Global identity index: identities with different indices (same seed) are different people;
    /// dataset generators allocate disjoint index ranges to keep pools and evaluation sets disjoint.</summary>
    public long Index { get; init; }
    public string Group { get; init; } = "A";
    public float Masculinity { get; init; }
    public Rgb Skin { get; init; }
    public float CheekBlush { get; init; }

    // Face outline.
    public float FaceWidth { get; init; } = 40f;      // half-width at the cheekbones
    public float HeadTop { get; init; } = 14f;        // y of the crown
    public float ChinY { get; init; } = 108f;
    public float JawSquareness { get; init; } = 2.6f; // superellipse exponent of the lower face: 2 round, 3.5 square
    public float ChinWidth { get; init; } = 0.3f;     // chin flatness as a fraction of the face width

    // Eyes.
    public float EyeSpacing { get; init; } = 17.6f;   // half the distance between eye centres
    public float EyeY { get; init; } = 51.6f;
    public float EyeWidth { get; init; } = 6.5f;      // half-width
    public float EyeOpening { get; init; } = 0.45f;   // height / width
    public float EyeTilt { get; init; }               // radians, outer corner up when positive
    public Rgb IrisColour { get; init; }
    public float IrisSize { get; init; } = 0.55f;     // iris radius / eye half-width

    // Brows.
    public float BrowGap { get; init; } = 8f;
    public float BrowThickness { get; init; } = 2.5f;
    public float BrowArch { get; init; } = 1.5f;
    public float BrowLength { get; init; } = 7.5f;    // half-length
    public float BrowTilt { get; init; }
    public Rgb BrowColour { get; init; }

    // Nose, mouth, ears.
    public float NoseTipY { get; init; } = 71.7f;
    public float NoseWidth { get; init; } = 12f;
    public float NoseBridge { get; init; } = 0.5f;
    public float MouthY { get; init; } = 92.3f;
    public float MouthWidth { get; init; } = 29.2f;
    public float UpperLip { get; init; } = 2.5f;
    public float LowerLip { get; init; } = 3.5f;
    public Rgb LipColour { get; init; }
    public float EarSize { get; init; } = 1f;
    public float EarY { get; init; } = 60f;

    // Hair and marks.
    public HairStyle Hair { get; init; }
    public Rgb HairColour { get; init; }
    public float Hairline { get; init; } = 28f;
    public float HairVolume { get; init; } = 1f;
    public float HairPart { get; init; }              // -1..1: side of a parting or sweep
    public FacialHair FacialHair { get; init; }
    public float Freckles { get; init; }              // 0..1 density
    public ulong FreckleSeed { get; init; }
    public IReadOnlyList<Mole> Moles { get; init; } = [];
    public GlassesStyle Glasses { get; init; }
    public Rgb GlassesColour { get; init; }

    /// <summary>Samples identity <paramref name="index"/> of <paramref name="group"/> for a dataset seed. Pure:
    /// the same (seed, index, group) is always the same person.</summary>
    public static FaceIdentity Sample(ulong seed, long index, string group)
    {
        var g = DemographicGroup.Get(group);
        var r = SeededRandom.For(seed, 0x1D_0000UL, (ulong)index, GroupKey(g.Name));
        float masc = (float)r.NextDouble();
        bool male = masc > 0.5f;
        float tone = r.Uniform(g.SkinTone.Lo, g.SkinTone.Hi);
        var skin = DemographicGroup.SkinColour(tone, g.Undertone + r.Normal(0, 0.012f, -0.03f, 0.03f));

        int hairIdx = r.Pick(g.HairColourWeights);
        var hairColour = DemographicGroup.HairPalette[hairIdx].Scale(r.Uniform(0.85f, 1.15f));
        var styleWeights = (double[])g.HairStyleWeights.Clone();
        // Long hair and buns lean feminine, bald and buzz cuts masculine: correlations make faces coherent.
        styleWeights[(int)HairStyle.Bald] *= male ? 1.8 : 0.1;
        styleWeights[(int)HairStyle.Buzz] *= male ? 1.6 : 0.4;
        styleWeights[(int)HairStyle.Long] *= male ? 0.3 : 2.0;
        styleWeights[(int)HairStyle.Bun] *= male ? 0.2 : 2.0;
        var style = (HairStyle)r.Pick(styleWeights);

        var facialHair = FacialHair.None;
        if (male && r.Chance(g.FacialHairProbability * 1.6))
            facialHair = (FacialHair)(1 + r.NextIntByModulo(4));

        int moleCount = r.Chance(0.35) ? 1 + r.NextIntByModulo(2) : 0;
        var moles = new Mole[moleCount];
        for (int i = 0; i < moleCount; i++)
        {
            float side = r.Chance(0.5) ? -1 : 1;
            moles[i] = new Mole(56 + side * r.Uniform(8, 30), r.Uniform(58, 100), r.Uniform(0.8f, 1.5f));
        }

        var glasses = r.Chance(g.GlassesProbability) ? (r.Chance(0.5) ? GlassesStyle.Round : GlassesStyle.Rectangular) : GlassesStyle.None;
        float faceWidth = r.Normal(g.FaceWidth + (male ? 0.8f : -0.8f), 2.2f, 34f, 46f);
        float lipBase = g.LipThickness * (male ? 0.9f : 1.1f);
        var lip = Rgb.Lerp(skin, new Rgb(0.70f, 0.25f, 0.30f), male ? 0.25f : r.Uniform(0.3f, 0.6f)).Scale(0.85f);

        return new FaceIdentity
        {
            Index = index,
            Group = g.Name,
            Masculinity = masc,
            Skin = skin,
            CheekBlush = r.Uniform(0f, 0.25f),
            FaceWidth = faceWidth,
            HeadTop = r.Normal(14f, 2.2f, 8f, 20f),
            ChinY = r.Normal(107.5f, 2.2f, 102f, 112f),
            JawSquareness = r.Normal(g.JawSquareness + (male ? 0.25f : -0.2f), 0.35f, 1.9f, 3.8f),
            ChinWidth = r.Uniform(0.12f, 0.45f),
            EyeSpacing = r.Normal(17.6f, 1.2f, 15f, 20.5f),
            EyeY = r.Normal(51.6f, 1.2f, 48.5f, 54.5f),
            EyeWidth = r.Normal(7.0f, 0.7f, 5.5f, 9f),
            EyeOpening = r.Normal(g.EyeOpening, 0.07f, 0.26f, 0.66f),
            EyeTilt = r.Normal(0, 0.09f, -0.22f, 0.22f),
            IrisColour = DemographicGroup.EyePalette[r.Pick(g.EyeColourWeights)],
            IrisSize = r.Uniform(0.45f, 0.68f),
            BrowGap = r.Normal(8.2f, 1.3f, 5.5f, 11.5f),
            BrowThickness = r.Normal(g.BrowThickness + (male ? 0.4f : -0.3f), 0.55f, 1.2f, 4.5f),
            BrowArch = r.Uniform(0f, 3.5f),
            BrowLength = r.Normal(7.8f, 0.8f, 5.5f, 10f),
            BrowTilt = r.Normal(0, 0.1f, -0.25f, 0.25f),
            BrowColour = (style == HairStyle.Bald ? DemographicGroup.HairPalette[hairIdx] : hairColour).Scale(0.8f),
            NoseTipY = r.Normal(71.7f, 1.8f, 67f, 76.5f),
            NoseWidth = r.Normal(g.NoseWidth, 1.6f, 8f, 19f),
            NoseBridge = r.Uniform(0.1f, 1f),
            MouthY = r.Normal(92.3f, 1.3f, 89f, 95.5f),
            MouthWidth = r.Normal(29.2f, 2.2f, 22f, 36f),
            UpperLip = r.Normal(lipBase * 0.8f, 0.5f, 1.2f, 5f),
            LowerLip = r.Normal(lipBase * 1.1f, 0.6f, 1.6f, 6.5f),
            LipColour = lip,
            EarSize = r.Normal(1f, 0.14f, 0.7f, 1.35f),
            EarY = r.Normal(60f, 2f, 55f, 65f),
            Hair = style,
            HairColour = hairColour,
            Hairline = r.Normal(male ? 30f : 27f, 3f, 20f, 38f),
            HairVolume = r.Normal(1f, 0.15f, 0.7f, 1.4f),
            HairPart = r.Uniform(-1f, 1f),
            FacialHair = facialHair,
            Freckles = r.Chance(g.FrecklesProbability) ? r.Uniform(0.3f, 1f) : 0f,
            FreckleSeed = r.NextUInt64(),
            Moles = moles,
            Glasses = glasses,
            GlassesColour = r.Chance(0.5) ? new Rgb(0.08f, 0.08f, 0.09f) : DemographicGroup.HairPalette[r.NextIntByModulo(4)].Scale(r.Uniform(0.6f, 1.3f)),
        };
    }

    internal static ulong GroupKey(string name)
    {
        ulong h = 1469598103934665603UL; // FNV-1a: stable across runs, unlike string.GetHashCode
        foreach (char c in name.ToUpperInvariant()) { h ^= c; h *= 1099511628211UL; }
        return h;
    }
}
