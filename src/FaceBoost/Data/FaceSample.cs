namespace FaceBoost.Data;

/// <summary>One image of a dataset. <paramref name="Label"/> indexes <see cref="FaceDataset.Identities"/>;
/// −1 means unlabeled. <paramref name="Group"/> is the identity's group (e.g. ethnicity) when known.</summary>
public sealed record FaceSample(string Path, int Label, string? Group = null)
{
    public const int Unlabeled = -1;
}
