using FaceBoost.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Distributed;

/// <summary>Checks that every rank holds the same parameters as rank 0 (stylegan2-ada's check_ddp_consistency):
/// run at snapshots so a silent divergence — a collective skipped on one rank, a rank-dependent update — is caught
/// with the name of the first tensor that differs instead of surfacing as a bad model later.</summary>
public static class ReplicaConsistency
{
    /// <summary>Throws <see cref="InvalidOperationException"/> on every rank when any rank's floating-point
    /// parameters differ from rank 0's by more than <paramref name="tolerance"/>. Buffers (running averages such as
    /// StyleGAN's w_avg) are rank-local statistics and are not compared. Returns the number of tensors compared.</summary>
    public static int Check(ICommunicator comm, nn.Module module, string what, double tolerance = 0)
    {
        if (comm.WorldSize == 1) return 0;
        using var _ = no_grad();
        var n = 0;
        string? firstBad = null;
        double worst = 0;
        foreach (var (name, p) in module.named_parameters())
        {
            if (!p.is_floating_point()) continue;
            using var scope = NewDisposeScope();
            var mine = p.detach().contiguous().clone();
            var rootCopy = mine.clone();
            comm.Broadcast(rootCopy.bytes);
            var diff = Scalars.ToDouble((mine - rootCopy).abs().max());
            n++;
            if (!(diff <= tolerance) && firstBad is null) (firstBad, worst) = (name, diff);
        }
        // Every rank must reach the same verdict, or the ones that pass would wait forever for the ones that threw.
        Span<double> bad = [firstBad is null ? 0 : 1];
        comm.AllReduceSum(bad);
        if (bad[0] > 0)
            throw new InvalidOperationException(firstBad is null
                ? $"{what}: the replicas have diverged on another rank (rank {comm.Rank} matches rank 0)"
                : $"{what}: rank {comm.Rank} differs from rank 0 in '{firstBad}' by {worst:G3}; the replicas have diverged");
        return n;
    }
}
