namespace FaceBoost.Interop;

/// <summary>A `.rec`/`.idx` file that is not valid MXNet RecordIO: names the file, the byte offset
/// (or -1 when not applicable) and the reason.</summary>
public sealed class RecordIoException(string file, long offset, string reason, Exception? inner = null)
    : Exception(offset >= 0 ? $"{file} @ offset {offset}: {reason}" : $"{file}: {reason}", inner)
{
    public string File { get; } = file;
    public long Offset { get; } = offset;
    public string Reason { get; } = reason;
}
