using SkiaSharp;

namespace FaceBoost.Synthesis.Procedural;

/// <summary>Turns frontal 112-frame points into posed ones. The head is treated as an ellipsoid: a point's
/// depth comes from its distance to the face's vertical axis (plus a feature's own relief, e.g. the nose
/// tip), and yaw/pitch rotate that depth into horizontal/vertical shift — so features slide and the far
/// side foreshortens while the silhouette barely moves, as in a turned head. Roll, scale and shift are
/// left to the canvas matrix.</summary>
internal readonly struct HeadProjection
{
    public const float CentreX = 56f;
    public const float CentreY = 60f;
    private readonly float _cosYaw, _sinYaw, _cosPitch, _sinPitch, _radius, _depth;

    public HeadProjection(float yawDegrees, float pitchDegrees, float faceHalfWidth)
    {
        float yaw = yawDegrees * MathF.PI / 180f, pitch = pitchDegrees * MathF.PI / 180f;
        _cosYaw = MathF.Cos(yaw); _sinYaw = MathF.Sin(yaw);
        _cosPitch = MathF.Cos(pitch); _sinPitch = MathF.Sin(pitch);
        _radius = faceHalfWidth + 2f;
        _depth = 0.85f * _radius;
    }

    /// <summary>Projects (x, y) lying on the head surface, raised by <paramref name="relief"/> (negative = behind the surface).</summary>
    public SKPoint P(float x, float y, float relief = 0f)
    {
        float u = x - CentreX, v = y - CentreY;
        float q = u / _radius;
        float z = _depth * MathF.Sqrt(MathF.Max(0f, 1f - q * q)) + relief;
        return new SKPoint(CentreX + u * _cosYaw + z * _sinYaw, CentreY + v * _cosPitch + z * _sinPitch);
    }

    /// <summary>Projects a point at fixed depth (e.g. ears, which sit behind the face plane).</summary>
    public SKPoint AtDepth(float x, float y, float z)
        => new(CentreX + (x - CentreX) * _cosYaw + z * _sinYaw, CentreY + (y - CentreY) * _cosPitch + z * _sinPitch);

    public float YawSin => _sinYaw;
}
