namespace FaceBoost.Experiments;

/// <summary>What the experiment is doing: <paramref name="Stage"/> names the unit of work (e.g. "gan:union",
/// "train:encoder:union@0.1#1"); <paramref name="Fraction"/> is that unit's progress in [0, 1].</summary>
public sealed record ExperimentProgress(string Stage, string Detail, double Fraction, bool Cached = false);

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread, in order (System.Progress posts
/// to the thread pool, which reorders reports and outlives the work).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
