namespace FaceBoost.Interop;

/// <summary>A Python tuple read by <see cref="SafePickleReader"/>.</summary>
public sealed record PickleTuple(IReadOnlyList<object?> Items)
{
    public int Count => Items.Count;
    public object? this[int i] => Items[i];
}
