namespace FaceBoost.Synthesis;

/// <summary>Per-layer noise input of the synthesis network.</summary>
public enum NoiseMode
{
    /// <summary>Fixed noise buffers stored in the network (deterministic output; what inversion uses).</summary>
    Const,
    /// <summary>Fresh Gaussian noise every call (what training uses).</summary>
    Random,
    /// <summary>No noise at all.</summary>
    None,
}
