using System.Collections.Concurrent;
using FaceBoost.Imaging;

namespace FaceBoost.Data;

/// <summary>What <see cref="FaceDataset.Validate"/> found: files that do not decode (unusable) and images that
/// decode but are nearly black (usable, flagged — e.g. Extended Yale B's extreme lighting).</summary>
public sealed record DatasetValidation(
    int Checked,
    int Usable,
    IReadOnlyList<DatasetProblem> Problems,
    IReadOnlyList<DatasetProblem> Warnings,
    (int Width, int Height) MinSize,
    (int Width, int Height) MaxSize)
{
    public bool AllUsable => Problems.Count == 0;
}

/// <summary>One line describing why a file could not be used, whatever the exception.</summary>
internal static class FileProblems
{
    public static string Reason(Exception ex) => (ex switch
    {
        ImageDecodeException ide => ide.Reason,
        OutOfMemoryException => "out of memory while decoding this file",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    }).ReplaceLineEndings(" ");
}

public static class DatasetValidator
{
    /// <summary>Mean brightness below which an image is flagged as very dark.</summary>
    public const float DarkMean = 0.02f;

    public static DatasetValidation Validate(FaceDataset ds, int workers = 2, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var problems = new ConcurrentBag<(int, DatasetProblem)>();
        var warnings = new ConcurrentBag<(int, DatasetProblem)>();
        int done = 0, minW = int.MaxValue, minH = int.MaxValue, maxW = 0, maxH = 0;
        var gate = new object();
        Parallel.For(0, ds.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancel }, i =>
        {
            var path = ds.Samples[i].Path;
            try
            {
                var img = ImageDecoder.Decode(path);
                float mean = 0;
                foreach (var v in img.Pixels) mean += v;
                mean /= img.Pixels.Length;
                if (mean < DarkMean) warnings.Add((i, new DatasetProblem(path, $"very dark (mean brightness {mean:0.000})")));
                lock (gate)
                {
                    minW = Math.Min(minW, img.Width); minH = Math.Min(minH, img.Height);
                    maxW = Math.Max(maxW, img.Width); maxH = Math.Max(maxH, img.Height);
                }
            }
            // Any per-file failure (corrupt, too large for the pixel cap, out of memory on this one file, unreadable,
            // a rec:// record that is damaged) makes that file unusable, never the whole check.
            catch (Exception ex) when (ex is not OperationCanceledException)
            { problems.Add((i, new DatasetProblem(path, FileProblems.Reason(ex)))); }
            int d = Interlocked.Increment(ref done);
            if (progress != null && (d % 64 == 0 || d == ds.Count)) progress.Report(d);
        });
        var p = problems.OrderBy(x => x.Item1).Select(x => x.Item2).ToList();
        var w = warnings.OrderBy(x => x.Item1).Select(x => x.Item2).ToList();
        return new DatasetValidation(ds.Count, ds.Count - p.Count, p, w,
            minW == int.MaxValue ? (0, 0) : (minW, minH), (maxW, maxH));
    }
}
