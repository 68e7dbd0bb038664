using System.Diagnostics;
using FaceBoost.Imaging;

namespace FaceBoost.Faces;

/// <summary>Turns photos into an aligned face dataset: decode (EXIF-oriented), detect, check landmarks,
/// align, write PNG. Runs N workers, each owning a detector; resumable (photos whose crops exist are
/// skipped); never writes a crop from implausible landmarks; accounts for every photo in a
/// <see cref="PrepareSummary"/>.</summary>
public sealed class FacePreparer
{
    private readonly PrepareOptions _options;
    private readonly Func<IFaceDetector> _detectorFactory;
    private readonly FaceAligner _aligner;

    public FacePreparer(PrepareOptions options, Func<IFaceDetector>? detectorFactory = null)
    {
        if (options.Workers < 1) throw new ArgumentOutOfRangeException(nameof(options), $"workers must be at least 1, got {options.Workers}");
        _options = options;
        ArcFaceTemplate.Points(options.AlignmentOrDefault.OutputSize, options.AlignmentOrDefault.Margin); // validates size and margin up front
        _detectorFactory = detectorFactory ?? (() => new YuNetDetector(options.DetectorModel, options.DetectorOrDefault));
        _aligner = new FaceAligner(options.AlignmentOrDefault);
    }

    /// <summary>Path of the first crop an item produces (its existence marks the item done).</summary>
    public string FirstOutputPath(string outputRoot, PrepareItem item)
        => Path.Combine(outputRoot, item.OutputStem + (_options.Selection == FaceSelection.All ? "_0.png" : ".png"));

    public PrepareSummary Run(IReadOnlyList<PrepareItem> items, string outputRoot,
        IProgress<PrepareProgress>? progress = null, CancellationToken cancel = default)
    {
        var sw = Stopwatch.StartNew();
        Directory.CreateDirectory(outputRoot);
        var summary = new PrepareSummary
        {
            ImagesListed = items.Count,
            Detector = Path.GetFileName(_options.DetectorModel),
            OutputSize = _aligner.Options.OutputSize,
            Margin = _aligner.Options.Margin,
            Selection = _options.Selection.ToString(),
        };
        var gate = new object();
        int next = -1, done = 0, written = 0;

        // Fail fast on a bad model before starting workers.
        var detectors = new IFaceDetector[Math.Min(_options.Workers, Math.Max(1, items.Count))];
        try
        {
            for (int i = 0; i < detectors.Length; i++) detectors[i] = _detectorFactory();
            var workers = detectors.Select(det => Task.Run(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < items.Count && !cancel.IsCancellationRequested)
                {
                    var item = items[i];
                    Outcome outcome;
                    try { outcome = Process(det, item, outputRoot); }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One photo that breaks the detector (or anything else) must not sink the whole run.
                        outcome = new Outcome { File = item.SourcePath, Failure = $"{e.GetType().Name}: {e.Message}" };
                    }
                    lock (gate) outcome.AddTo(summary, _options.Selection);
                    int w = Interlocked.Add(ref written, outcome.Written);
                    int d = Interlocked.Increment(ref done);
                    progress?.Report(new PrepareProgress(d, items.Count, item.SourcePath, w));
                }
            }, cancel)).ToArray();
            Task.WaitAll(workers);
        }
        finally
        {
            foreach (var d in detectors) d?.Dispose();
        }
        cancel.ThrowIfCancellationRequested();

        foreach (var list in new[] { summary.DecodeErrors, summary.NoFace, summary.ImplausibleLandmarks, summary.WriteErrors, summary.Failures })
            list.Sort((a, b) => string.CompareOrdinal(a.File, b.File));
        summary.ElapsedSeconds = sw.Elapsed.TotalSeconds;
        summary.Save(outputRoot);
        return summary;
    }

    private Outcome Process(IFaceDetector detector, PrepareItem item, string outputRoot)
    {
        var o = new Outcome { File = item.SourcePath };
        if (File.Exists(FirstOutputPath(outputRoot, item))) { o.AlreadyDone = true; return o; }
        RgbImage photo;
        try { photo = ImageDecoder.Decode(item.SourcePath); }
        catch (ImageDecodeException e) { o.Decode = e.Reason; return o; }
        catch (IOException e) { o.Decode = e.Message; return o; }
        catch (UnauthorizedAccessException e) { o.Decode = e.Message; return o; }
        o.Read = true;

        var faces = detector.Detect(photo);
        o.Found = faces.Count;
        if (faces.Count == 0) { o.NoFace = $"no face above score {(detector as YuNetDetector)?.Options.ScoreThreshold ?? 0:F2}"; return o; }

        // Largest first, so "largest" is the first plausible one and _0 is the main subject.
        var ordered = faces.OrderByDescending(f => f.Area).ToList();
        var aligned = new List<AlignedFace>();
        foreach (var f in ordered)
        {
            var a = _aligner.TryAlign(photo, f, out var why);
            if (a is null) { o.Implausible.Add(why!); continue; }
            aligned.Add(a);
            if (_options.Selection == FaceSelection.Largest) break;
        }
        for (int k = 0; k < aligned.Count; k++)
        {
            var path = Path.Combine(outputRoot, item.OutputStem + (_options.Selection == FaceSelection.All ? $"_{k}.png" : ".png"));
            try { ImageWriter.Save(aligned[k].Crop, path); o.Written++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { o.Write = e.Message; }
        }
        return o;
    }

    private sealed class Outcome
    {
        public bool AlreadyDone, Read;
        public int Found, Written;
        public string? Decode, NoFace, Write, Failure;
        public List<string> Implausible { get; } = [];
        public string File = "";

        public void AddTo(PrepareSummary s, FaceSelection selection)
        {
            if (AlreadyDone) { s.ImagesAlreadyDone++; return; }
            if (Decode is not null) { s.DecodeErrors.Add(new(File, Decode)); return; }
            if (Failure is not null) { s.Failures.Add(new(File, Failure)); return; }
            if (Read) s.ImagesRead++;
            s.FacesFound += Found;
            s.FacesWritten += Written;
            if (Written > 0) s.ImagesWithAlignedFace++;
            if (NoFace is not null) s.NoFace.Add(new(File, NoFace));
            // In largest-face mode a rejected face only matters when the photo gave no crop at all
            // (then the largest face's reason is given); in all-faces mode every rejection is listed.
            if (selection == FaceSelection.All)
                foreach (var why in Implausible) s.ImplausibleLandmarks.Add(new(File, why));
            else if (Written == 0 && Implausible.Count > 0)
                s.ImplausibleLandmarks.Add(new(File, Implausible[0]));
            if (Write is not null) s.WriteErrors.Add(new(File, Write));
        }
    }
}
