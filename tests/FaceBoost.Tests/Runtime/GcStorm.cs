namespace FaceBoost.Tests.Runtime;

/// <summary>A background thread that allocates and forces GCs non-stop until disposed: the load under which a
/// Scalar or tensor wrapper that libtorch still reads gets finalized (docs/torchsharp-hazards.md).</summary>
internal sealed class GcStorm : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _collections;

    public GcStorm()
    {
        _thread = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!_stop.IsCancellationRequested)
            {
                for (int i = 0; i < 64; i++) keep.Add(new byte[4096]);
                if (keep.Count > 4096) keep.Clear();
                GC.Collect();
                Interlocked.Increment(ref _collections);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Collections => Interlocked.Read(ref _collections);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
