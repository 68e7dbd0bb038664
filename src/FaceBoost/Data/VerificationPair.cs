namespace FaceBoost.Data;

/// <summary>Two images and whether they show the same person. <paramref name="Group"/> is the group both
/// belong to when known (RFW's ethnicity); <paramref name="Fold"/> is the cross-validation fold from an LFW
/// header (−1 when none).</summary>
public sealed record VerificationPair(string PathA, string PathB, bool Same, string? Group = null, int Fold = -1);
