using System.Runtime.InteropServices;

namespace FaceBoost.Distributed;

/// <summary>The few Open MPI entry points FaceBoost calls. Open MPI's handles (MPI_COMM_WORLD,
/// MPI_FLOAT, MPI_SUM …) are addresses of exported globals, resolved at load time; libmpi is
/// opened RTLD_GLOBAL first because Open MPI's plugins resolve symbols against it.</summary>
internal static unsafe class MpiNative
{
    private static readonly string[] Candidates = ["libmpi.so.40", "libmpi.so"];
    public static IntPtr Library { get; private set; }
    public static IntPtr CommWorld, Float, Double, Byte, OpSum;
    public static readonly IntPtr InPlace = 1; // Open MPI: #define MPI_IN_PLACE ((void *) 1)

    [DllImport("libc", EntryPoint = "dlopen")] private static extern IntPtr DlOpen(string file, int mode);
    private const int RtldNow = 2, RtldGlobal = 0x100;

    public static void Load()
    {
        if (Library != IntPtr.Zero) return;
        foreach (var name in Candidates)
        {
            if (DlOpen(name, RtldNow | RtldGlobal) == IntPtr.Zero) continue;
            if (NativeLibrary.TryLoad(name, out var handle)) { Library = handle; break; }
        }
        if (Library == IntPtr.Zero)
            throw new DllNotFoundException("Open MPI (libmpi.so.40) not found: install it (Debian: apt-get install openmpi-bin libopenmpi-dev) to run with mpirun");
        CommWorld = NativeLibrary.GetExport(Library, "ompi_mpi_comm_world");
        Float = NativeLibrary.GetExport(Library, "ompi_mpi_float");
        Double = NativeLibrary.GetExport(Library, "ompi_mpi_double");
        Byte = NativeLibrary.GetExport(Library, "ompi_mpi_byte");
        OpSum = NativeLibrary.GetExport(Library, "ompi_mpi_op_sum");
        Init = Fn<InitFn>("MPI_Init");
        Initialized = Fn<InitializedFn>("MPI_Initialized");
        Finalize = Fn<FinalizeFn>("MPI_Finalize");
        CommRank = Fn<CommIntFn>("MPI_Comm_rank");
        CommSize = Fn<CommIntFn>("MPI_Comm_size");
        Iallreduce = Fn<IallreduceFn>("MPI_Iallreduce");
        Ibcast = Fn<IbcastFn>("MPI_Ibcast");
        Ibarrier = Fn<IbarrierFn>("MPI_Ibarrier");
        Test = Fn<TestFn>("MPI_Test");
        Abort = Fn<AbortFn>("MPI_Abort");
    }

    private static T Fn<T>(string name) where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(Library, name));

    public delegate int InitFn(IntPtr argc, IntPtr argv);
    public delegate int InitializedFn(out int flag);
    public delegate int FinalizeFn();
    public delegate int CommIntFn(IntPtr comm, out int value);
    public delegate int IallreduceFn(IntPtr send, IntPtr recv, int count, IntPtr type, IntPtr op, IntPtr comm, out IntPtr request);
    public delegate int IbcastFn(IntPtr buffer, int count, IntPtr type, int root, IntPtr comm, out IntPtr request);
    public delegate int IbarrierFn(IntPtr comm, out IntPtr request);
    public delegate int TestFn(ref IntPtr request, out int flag, IntPtr status);
    public delegate int AbortFn(IntPtr comm, int code);

    public static InitFn Init = null!;
    public static InitializedFn Initialized = null!;
    public static FinalizeFn Finalize = null!;
    public static CommIntFn CommRank = null!, CommSize = null!;
    public static IallreduceFn Iallreduce = null!;
    public static IbcastFn Ibcast = null!;
    public static IbarrierFn Ibarrier = null!;
    public static TestFn Test = null!;
    public static AbortFn Abort = null!;
}
