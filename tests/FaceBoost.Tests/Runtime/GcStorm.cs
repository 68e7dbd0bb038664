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

    /// <summary>Runs <paramref name="round"/> (given its index) over and over for <paramref name="duration"/> (and at
    /// least once when asked) under a storm; fails when the storm hardly ran, so a pass means the rounds really met
    /// forced GCs.</summary>
    public static (long Rounds, long Collections, TimeSpan Elapsed) Run(TimeSpan duration, Action<long> round, bool atLeastOnce = false)
    {
        var storm = new GcStorm();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long rounds = 0, collections;
        try
        {
            while (clock.Elapsed < duration || (atLeastOnce && rounds == 0)) round(rounds++);
        }
        finally
        {
            collections = storm.Collections;
            storm.Dispose();
        }
        Assert.True(collections > 100, $"the GC thread ran only {collections} collections");
        return (rounds, collections, clock.Elapsed);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
