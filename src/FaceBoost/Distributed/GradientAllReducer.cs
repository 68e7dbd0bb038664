using FaceBoost.Runtime;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Distributed;

/// <summary>Averages gradients over ranks after backward, in buckets (as DDP does) so there is one
/// collective per ~25 MB rather than one per tensor; also broadcasts rank 0's initial weights.</summary>
public sealed class GradientAllReducer(ICommunicator comm, long bucketBytes = 25L << 20)
{
    public ICommunicator Communicator { get; } = comm;
    public long BucketBytes { get; } = bucketBytes;
    public int CollectivesLastStep { get; private set; }

    public void AverageGradients(IEnumerable<Tensor> parameters)
    {
        CollectivesLastStep = 0;
        if (Communicator.WorldSize == 1) return;
        var grads = parameters.Where(p => p.requires_grad && p.grad is not null).Select(p => p.grad!).ToList();
        foreach (var g in grads)
            if (g.dtype != ScalarType.Float32 || g.device_type != DeviceType.CPU)
                throw new NotSupportedException($"MPI all-reduce works on CPU float32 gradients, got {g.dtype} on {g.device_type} (data-parallel training has no CUDA backend)");
        float scale = 1f / Communicator.WorldSize;
        using var heldScale = scale.ToScalar();
        int start = 0;
        while (start < grads.Count)
        {
            long bytes = 0; int end = start;
            while (end < grads.Count && (end == start || bytes + grads[end].NumberOfElements * 4 <= BucketBytes))
                bytes += grads[end++].NumberOfElements * 4;
            using var scope = NewDisposeScope();
            var bucket = grads.GetRange(start, end - start);
            using var flat = cat(bucket.Select(g => g.reshape(-1)).ToArray()).contiguous();
            Communicator.AllReduceSum(MemoryMarshal.Cast<byte, float>(flat.bytes));
            CollectivesLastStep++;
            flat.mul_(heldScale);
            long offset = 0;
            foreach (var g in bucket)
            {
                long n = g.NumberOfElements;
                using (no_grad()) g.copy_(flat.narrow(0, offset, n).view_as(g));
                offset += n;
            }
            start = end;
        }
    }

    /// <summary>Makes every rank start from rank 0's parameters and buffers (BatchNorm statistics).</summary>
    public void BroadcastFromRoot(nn.Module module)
    {
        if (Communicator.WorldSize == 1) return;
        using var _ = no_grad();
        foreach (var (_, t) in module.state_dict())
        {
            if (t.device_type != DeviceType.CPU) throw new NotSupportedException("MPI broadcast works on CPU tensors");
            using var c = t.contiguous();
            Communicator.Broadcast(c.bytes);
            if (!ReferenceEquals(c, t)) t.copy_(c);
        }
    }
}
