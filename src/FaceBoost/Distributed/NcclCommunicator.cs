#if FACEBOOST_NCCL
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceBoost.Distributed;

/// <summary>All-reduce of CUDA tensors through NCCL, bootstrapped over MPI (rank 0 makes the unique id,
/// MPI broadcasts it). Compiled only with -p:FaceBoostBackend=cuda; never run on the CPU-only CI.
/// Collectives run on the default CUDA stream, which TorchSharp also uses.</summary>
public sealed class NcclCommunicator : IDisposable
{
    private const int NcclFloat32 = 7, NcclSum = 0; // ncclDataType_t / ncclRedOp_t values from nccl.h
    private IntPtr _comm;
    public int Rank { get; }
    public int WorldSize { get; }

    [DllImport("nccl", EntryPoint = "ncclGetUniqueId")] private static extern int GetUniqueId(byte[] id128);
    [DllImport("nccl", EntryPoint = "ncclCommInitRank")] private static extern int CommInitRank(out IntPtr comm, int nranks, byte[] id128, int rank);
    [DllImport("nccl", EntryPoint = "ncclAllReduce")] private static extern int AllReduce(IntPtr send, IntPtr recv, nuint count, int type, int op, IntPtr comm, IntPtr stream);
    [DllImport("nccl", EntryPoint = "ncclBroadcast")] private static extern int Bcast(IntPtr send, IntPtr recv, nuint count, int type, int root, IntPtr comm, IntPtr stream);
    [DllImport("nccl", EntryPoint = "ncclCommDestroy")] private static extern int CommDestroy(IntPtr comm);
    // TorchSharp exposes no data pointer; LibTorchSharp exports the accessor it uses itself.
    [DllImport("LibTorchSharp", EntryPoint = "THSTensor_data")] private static extern IntPtr TensorData(IntPtr tensorHandle);

    public NcclCommunicator(ICommunicator bootstrap)
    {
        Rank = bootstrap.Rank; WorldSize = bootstrap.WorldSize;
        var id = new byte[128];
        if (Rank == 0) Check(GetUniqueId(id), "ncclGetUniqueId");
        bootstrap.Broadcast(id);
        Check(CommInitRank(out _comm, WorldSize, id, Rank), "ncclCommInitRank");
    }

    /// <summary>Sums a contiguous CUDA float32 tensor over ranks, in place.</summary>
    public void AllReduceSum(Tensor t)
    {
        if (t.device_type != DeviceType.CUDA || t.dtype != ScalarType.Float32 || !t.is_contiguous())
            throw new ArgumentException("NCCL all-reduce needs a contiguous CUDA float32 tensor");
        var p = TensorData(t.Handle);
        Check(AllReduce(p, p, (nuint)t.NumberOfElements, NcclFloat32, NcclSum, _comm, IntPtr.Zero), "ncclAllReduce");
    }

    private static void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call} failed with NCCL error {code}");
    }

    public void Dispose()
    {
        if (_comm != IntPtr.Zero) { CommDestroy(_comm); _comm = IntPtr.Zero; }
    }
}
#endif
