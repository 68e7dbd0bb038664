namespace FaceBoost.Faces;

/// <summary>Which faces of a multi-face photo become crops.</summary>
public enum FaceSelection
{
    /// <summary>The plausible face with the largest box (the subject of a portrait), written as name.png.</summary>
    Largest,
    /// <summary>Every plausible face, written as name_0.png, name_1.png … (largest first).</summary>
    All,
}
