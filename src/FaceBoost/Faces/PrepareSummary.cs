using FaceBoost.Runtime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceBoost.Faces;

/// <summary>A file and why it produced no crop (or one fewer crop).</summary>
public sealed record SkippedFile(string File, string Reason);

/// <summary>What one `prepare` run did; written as prepare-summary.json and prepare-summary.txt.</summary>
public sealed class PrepareSummary
{
    public const string JsonName = "prepare-summary.json";
    public const string TextName = "prepare-summary.txt";

    public int ImagesListed { get; set; }
    /// <summary>Photos whose crops already existed (a resumed run) and were not redone.</summary>
    public int ImagesAlreadyDone { get; set; }
    public int ImagesRead { get; set; }
    /// <summary>Photos read in this run that yielded at least one written crop.</summary>
    public int ImagesWithAlignedFace { get; set; }
    /// <summary>Detections above the score threshold, over all photos read.</summary>
    public int FacesFound { get; set; }
    public int FacesWritten { get; set; }
    public List<SkippedFile> DecodeErrors { get; set; } = [];
    public List<SkippedFile> NoFace { get; set; } = [];
    public List<SkippedFile> ImplausibleLandmarks { get; set; } = [];
    public List<SkippedFile> WriteErrors { get; set; } = [];
    /// <summary>Photos that decoded but then failed unexpectedly (e.g. a detector runtime error).</summary>
    public List<SkippedFile> Failures { get; set; } = [];
    public double ElapsedSeconds { get; set; }
    public string Detector { get; set; } = "";
    public int OutputSize { get; set; }
    public float Margin { get; set; }
    public string Selection { get; set; } = "";

    /// <summary>Fraction of photos read in this run that gave an aligned crop.</summary>
    public double AlignedFraction => ImagesRead == 0 ? 0 : ImagesWithAlignedFace / (double)ImagesRead;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static PrepareSummary FromJson(string json) => JsonSerializer.Deserialize<PrepareSummary>(json, Json)
        ?? throw new InvalidDataException("empty prepare summary");

    /// <summary>A short human-readable account; <paramref name="listFiles"/> also names every skipped file.</summary>
    public string ToText(bool listFiles = true)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"faceboost prepare: {OutputSize}x{OutputSize} crops, margin {Margin}, {Selection} face(s), detector {Detector}");
        sb.AppendLine($"  photos listed           {ImagesListed}");
        sb.AppendLine($"  already done (resumed)  {ImagesAlreadyDone}");
        sb.AppendLine($"  photos read             {ImagesRead}");
        sb.AppendLine($"  with an aligned face    {ImagesWithAlignedFace} ({100 * AlignedFraction:F1}% of read)");
        sb.AppendLine($"  faces found             {FacesFound}");
        sb.AppendLine($"  crops written           {FacesWritten}");
        sb.AppendLine($"  skipped: decode error   {DecodeErrors.Count}");
        sb.AppendLine($"  skipped: no face        {NoFace.Count}");
        sb.AppendLine($"  skipped: implausible    {ImplausibleLandmarks.Count}");
        if (WriteErrors.Count > 0) sb.AppendLine($"  write errors            {WriteErrors.Count}");
        if (Failures.Count > 0) sb.AppendLine($"  failed                  {Failures.Count}");
        sb.AppendLine($"  time                    {ElapsedSeconds:F1} s");
        if (listFiles)
            foreach (var (title, list) in new[] { ("decode errors", DecodeErrors), ("no face", NoFace), ("implausible landmarks", ImplausibleLandmarks), ("write errors", WriteErrors), ("failed", Failures) })
            {
                if (list.Count == 0) continue;
                sb.AppendLine($"{title}:");
                foreach (var s in list) sb.AppendLine($"  {s.File}: {s.Reason}");
            }
        return sb.ToString();
    }

    public void Save(string outputRoot)
    {
        Directory.CreateDirectory(outputRoot);
        WriteAtomic(Path.Combine(outputRoot, JsonName), ToJson());
        WriteAtomic(Path.Combine(outputRoot, TextName), ToText());
    }

    private static void WriteAtomic(string path, string text) => AtomicFile.WriteAllText(path, text);
}
