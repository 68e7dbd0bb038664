using FaceBoost.Distributed;
using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Tests.Distributed;

public sealed class ReplicaConsistencyTests
{
    public ReplicaConsistencyTests() => TorchRuntime.Initialize(1);

    /// <summary>Rank 1 of a pretend 2-rank job whose rank 0 holds <paramref name="rootValue"/> in every parameter;
    /// all-reduce sums as if rank 0 had reached the same verdict as this rank.</summary>
    private sealed class PretendRank1(float rootValue) : ICommunicator
    {
        public int Rank => 1;
        public int WorldSize => 2;
        public string Backend => "pretend";
        public void AllReduceSum(Span<float> data) { foreach (ref var x in data) x *= 2; }
        public void AllReduceSum(Span<double> data) { foreach (ref var x in data) x *= 2; }
        public void Broadcast(Span<byte> data, int root = 0)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data);
            floats.Fill(rootValue);
        }
        public void Barrier() { }
        public void Dispose() { }
    }

    private static nn.Module Filled(float value)
    {
        var m = nn.Linear(3, 2);
        using (no_grad()) foreach (var p in m.parameters()) p.fill_(value);
        return m;
    }

    [Fact]
    public void MatchingReplicasPassAndCountTheirTensors()
    {
        using var m = Filled(0.5f);
        Assert.Equal(2, ReplicaConsistency.Check(new PretendRank1(0.5f), m, "G"));
        Assert.Equal(0, ReplicaConsistency.Check(LocalCommunicator.Instance, m, "G"));
    }

    [Fact]
    public void ADivergedReplicaNamesTheTensorAndTheGap()
    {
        using var m = Filled(0.5f);
        var e = Assert.Throws<InvalidOperationException>(() => ReplicaConsistency.Check(new PretendRank1(0.25f), m, "D"));
        Assert.Contains("D: rank 1 differs from rank 0 in 'weight' by 0.25", e.Message);
    }
}
