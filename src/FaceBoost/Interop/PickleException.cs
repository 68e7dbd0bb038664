namespace FaceBoost.Interop;

/// <summary>A pickle this reader will not (or cannot) load: names the source, the byte offset and why.</summary>
public sealed class PickleException(string source, long offset, string reason)
    : Exception($"{source} @ offset {offset}: {reason}")
{
    public string SourceName { get; } = source;
    public long Offset { get; } = offset;
    public string Reason { get; } = reason;
}
