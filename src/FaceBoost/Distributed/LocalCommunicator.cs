namespace FaceBoost.Distributed;

/// <summary>One process, no peers: every collective is the identity. Needs nothing installed.</summary>
public sealed class LocalCommunicator : ICommunicator
{
    public static LocalCommunicator Instance { get; } = new();
    public int Rank => 0;
    public int WorldSize => 1;
    public string Backend => "local";
    public void AllReduceSum(Span<float> data) { }
    public void AllReduceSum(Span<double> data) { }
    public void Broadcast(Span<byte> data, int root = 0) { }
    public void Barrier() { }
    public void Dispose() { }
}
