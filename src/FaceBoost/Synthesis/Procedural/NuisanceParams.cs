using FaceBoost.Data;
namespace FaceBoost.Synthesis.Procedural;

public enum BackgroundPattern { Plain, Gradient, Stripes, Blobs }

public enum OcclusionKind { None, Bar, Hand }

/// <summary>How much images of one person vary. <see cref="Strength"/> scales every range at once
/// (0 = the same frontal picture every time, 1 = the demo's default, 1.5 = hard); the probabilities
/// set how often the discrete nuisances appear.</summary>
public sealed record NuisanceOptions
{
    public float Strength { get; init; } = 1f;
    public double OcclusionProbability { get; init; } = 0.15;
    public double BlurProbability { get; init; } = 0.4;
    /// <summary>Standard deviation (relative) of per-image hair volume: hair is never styled quite the same way twice.</summary>
    public float HairJitter { get; init; } = 0.08f;
}

/// <summary>What changes between images of the same person: pose, expression, lighting, background,
/// camera blur and noise, occlusion and crop jitter. Angles in degrees; geometry in the 112-px frame.</summary>
public sealed record NuisanceParams
{
    public float Yaw { get; init; }            // degrees, + turns the face to the image's right
    public float Pitch { get; init; }          // degrees, + looks down
    public float Roll { get; init; }           // degrees, in-plane rotation
    public float Scale { get; init; } = 1f;
    public float ShiftX { get; init; }
    public float ShiftY { get; init; }

    public float Smile { get; init; }          // -0.3 (frown) .. 1
    public float MouthOpen { get; init; }      // 0 .. 1
    public float EyeOpenness { get; init; } = 1f; // 0.15 (squint/blink) .. 1.1
    public float BrowRaise { get; init; }      // -1 .. 1
    public float GazeX { get; init; }          // -1 .. 1
    public float HairVolume { get; init; } = 1f;

    public float LightAngle { get; init; }     // radians, direction the light comes from
    public float LightStrength { get; init; }  // 0 .. ~0.6: shading gradient across the image
    public float Brightness { get; init; } = 1f;
    public float Contrast { get; init; } = 1f;
    public Rgb ColourCast { get; init; } = new(1, 1, 1);

    public BackgroundPattern Background { get; init; }
    public Rgb BackgroundColour { get; init; } = new(0.5f, 0.5f, 0.5f);
    public Rgb BackgroundColour2 { get; init; } = new(0.6f, 0.6f, 0.6f);
    public ulong BackgroundSeed { get; init; }
    public Rgb Clothing { get; init; } = new(0.3f, 0.3f, 0.5f);

    public float BlurSigma { get; init; }      // in output pixels
    public float NoiseSigma { get; init; }     // in [0,1] intensity units
    public ulong NoiseSeed { get; init; }

    public OcclusionKind Occlusion { get; init; }
    public float OcclusionX { get; init; }
    public float OcclusionY { get; init; }
    public float OcclusionAngle { get; init; }
    public Rgb OcclusionColour { get; init; }

    /// <summary>The neutral frontal image: what <see cref="ProceduralFaceRenderer"/> draws for an identity card.</summary>
    public static NuisanceParams Neutral { get; } = new()
    {
        Background = BackgroundPattern.Plain, BackgroundColour = new(0.78f, 0.80f, 0.83f), BackgroundColour2 = new(0.78f, 0.80f, 0.83f),
    };

    /// <summary>Samples the nuisance of image <paramref name="image"/> of identity <paramref name="identity"/>.</summary>
    public static NuisanceParams Sample(ulong seed, long identity, int image, NuisanceOptions? options = null)
    {
        var o = options ?? new NuisanceOptions();
        float s = Math.Max(0f, o.Strength);
        var r = SeededRandom.For(seed, 0x2B_0000UL, (ulong)identity, (ulong)image);

        var bg1 = new Rgb(r.Uniform(0.1f, 0.95f), r.Uniform(0.1f, 0.95f), r.Uniform(0.1f, 0.95f));
        var bg2 = Rgb.Lerp(bg1, new Rgb(r.Uniform(0, 1), r.Uniform(0, 1), r.Uniform(0, 1)), r.Uniform(0.2f, 0.7f));
        float lightT = r.Uniform(0, 1);
        var occ = OcclusionKind.None;
        if (s > 0 && r.Chance(o.OcclusionProbability * Math.Min(1f, s)))
            occ = r.Chance(0.5) ? OcclusionKind.Bar : OcclusionKind.Hand;
        var cast = new Rgb(1 + s * r.Normal(0, 0.06f, -0.2f, 0.2f), 1 + s * r.Normal(0, 0.04f, -0.15f, 0.15f), 1 + s * r.Normal(0, 0.07f, -0.2f, 0.2f));

        return new NuisanceParams
        {
            Yaw = s * r.Normal(0, 9f, -28f, 28f),
            Pitch = s * r.Normal(0, 5f, -14f, 14f),
            Roll = s * r.Normal(0, 5f, -16f, 16f),
            Scale = 1 + s * r.Normal(0, 0.04f, -0.12f, 0.12f),
            ShiftX = s * r.Normal(0, 1.8f, -5f, 5f),
            ShiftY = s * r.Normal(0, 1.8f, -5f, 5f),
            Smile = Math.Clamp(s * r.Normal(0.25f, 0.4f, -0.4f, 1f), -0.3f, 1f),
            MouthOpen = r.Chance(0.3 * Math.Min(1f, s)) ? r.Uniform(0.1f, 1f) : 0f,
            EyeOpenness = Math.Clamp(1 - s * MathF.Abs(r.Normal(0, 0.18f, -0.85f, 0.85f)), 0.15f, 1.1f),
            BrowRaise = s * r.Normal(0, 0.4f, -1f, 1f),
            GazeX = s * r.Normal(0, 0.35f, -1f, 1f),
            HairVolume = 1 + s * r.Normal(0, o.HairJitter, -0.25f, 0.25f),
            LightAngle = r.Uniform(0, MathF.Tau),
            LightStrength = s * r.Uniform(0f, 0.55f),
            Brightness = 1 + s * r.Normal(0, 0.14f, -0.4f, 0.35f),
            Contrast = 1 + s * r.Normal(0, 0.12f, -0.35f, 0.25f),
            ColourCast = cast,
            Background = (BackgroundPattern)r.NextIntByModulo(4),
            BackgroundColour = bg1,
            BackgroundColour2 = bg2,
            BackgroundSeed = r.NextUInt64(),
            Clothing = new Rgb(r.Uniform(0.05f, 0.9f), r.Uniform(0.05f, 0.9f), r.Uniform(0.05f, 0.9f)),
            BlurSigma = r.Chance(o.BlurProbability * Math.Min(1f, s)) ? s * r.Uniform(0.3f, 1.1f) : 0f,
            NoiseSigma = s * r.Uniform(0f, 0.03f),
            NoiseSeed = r.NextUInt64(),
            Occlusion = occ,
            OcclusionX = r.Uniform(30f, 82f),
            OcclusionY = r.Uniform(45f, 100f),
            OcclusionAngle = r.Uniform(-35f, 35f),
            OcclusionColour = occ == OcclusionKind.Hand
                ? DemographicGroup.SkinColour(lightT, 0)
                : new Rgb(r.Uniform(0, 1), r.Uniform(0, 1), r.Uniform(0, 1)),
        };
    }
}
