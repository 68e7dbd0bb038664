namespace FaceBoost.Data;

/// <summary>Two face images and whether they show the same person; <see cref="Group"/> names a
/// population (e.g. RFW's "African") when the benchmark reports per group.</summary>
public sealed record VerificationPair(string PathA, string PathB, bool Same, string? Group = null);
