namespace FaceBoost.Data;

/// <summary>A file that could not be used (undecodable, unreadable, …): which one and why.</summary>
public sealed record DatasetProblem(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
