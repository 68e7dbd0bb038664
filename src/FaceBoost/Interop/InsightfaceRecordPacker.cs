using System.Globalization;
using FaceBoost.Imaging;

namespace FaceBoost.Interop;

/// <summary>One image to pack: its file and class index.</summary>
public sealed record PackItem(string Path, int Label);

/// <summary>Summary of a pack: counts and the files written.</summary>
public sealed record PackResult(int Images, int Classes, int Skipped, string RecPath, string IdxPath, string PropertyPath, IReadOnlyList<string> SkippedReasons);

/// <summary>Writes an insightface training set (`train.rec`, `train.idx`, `property`) from labeled images,
/// in the layout insightface's `MXFaceDataset` reads: record 0 = header (flag 2, label [N+1, N+1+K]),
/// records 1..N = images (flag 0, label = class, id = key) grouped by class, records N+1..N+K = one per
/// class (flag 2, label [first image key, end key)). `property` holds "K,H,W".</summary>
public static class InsightfaceRecordPacker
{
    public static IReadOnlyList<PackItem> ScanImageTree(string root)
    {
        if (!System.IO.Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: image tree not found");
        // One folder per identity, as insightface's image-folder layout; ordinal order gives stable labels.
        var dirs = System.IO.Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal).ToList();
        var items = new List<PackItem>();
        int label = 0;
        foreach (var d in dirs)
        {
            var files = ImageFiles.List(d, recursive: false);
            if (files.Count == 0) continue;
            items.AddRange(files.Select(f => new PackItem(f, label)));
            label++;
        }
        return items;
    }

    public static PackResult Pack(IReadOnlyList<PackItem> items, string outputDir, RecordPackOptions? options = null, IProgress<int>? progress = null)
    {
        options ??= new RecordPackOptions();
        if (items.Count == 0) throw new ArgumentException("nothing to pack: no images");
        // Group by class so identity records describe contiguous key ranges.
        var ordered = items.Select((it, i) => (it, i)).OrderBy(t => t.it.Label).ThenBy(t => t.i).Select(t => t.it).ToList();
        var labels = ordered.Select(i => i.Label).Distinct().ToList();
        if (labels[0] < 0) throw new ArgumentException("labels must be non-negative");
        int numClasses = labels[^1] + 1;

        Directory.CreateDirectory(outputDir);
        var recPath = Path.Combine(outputDir, "train.rec");
        var idxPath = Path.Combine(outputDir, "train.idx");
        var skipped = new List<string>();
        var ranges = new (long Start, long End)[numClasses];
        int? width = options.Width, height = options.Height;

        // Encode first (so skipped images don't leave holes in the key range), then write.
        var encoded = new List<(int Label, byte[] Bytes)>(ordered.Count);
        for (int i = 0; i < ordered.Count; i++)
        {
            var item = ordered[i];
            try
            {
                var bytes = EncodeOne(item.Path, options, ref width, ref height);
                encoded.Add((item.Label, bytes));
            }
            catch (ImageDecodeException ex) { skipped.Add(ex.Message); }
            progress?.Report(i + 1);
        }
        if (encoded.Count == 0) throw new InvalidOperationException("no image could be decoded: " + string.Join("; ", skipped.Take(3)));

        using (var writer = new RecordIoWriter(recPath, idxPath))
        {
            long n = encoded.Count;
            writer.Write(0, IrHeader.Vector([n + 1, n + 1 + numClasses], 0).Pack([]));
            for (int i = 0; i < encoded.Count; i++)
            {
                long key = i + 1;
                var (label, bytes) = encoded[i];
                writer.Write(key, IrHeader.Scalar(label, (ulong)key).Pack(bytes));
                if (ranges[label].End == 0) ranges[label].Start = key;
                ranges[label].End = key + 1;
            }
            for (int c = 0; c < numClasses; c++)
            {
                long key = n + 1 + c;
                writer.Write(key, IrHeader.Vector([ranges[c].Start, ranges[c].End], (ulong)key).Pack([]));
            }
            writer.Complete();
        }
        var propertyPath = Path.Combine(outputDir, "property");
        Runtime.AtomicFile.WriteAllText(propertyPath, string.Create(CultureInfo.InvariantCulture, $"{numClasses},{height ?? 112},{width ?? 112}"));
        return new PackResult(encoded.Count, numClasses, skipped.Count, recPath, idxPath, propertyPath, skipped);
    }

    private static byte[] EncodeOne(string path, RecordPackOptions o, ref int? width, ref int? height)
    {
        byte[] raw;
        try { raw = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new ImageDecodeException(path, "cannot read file: " + ex.Message, ex); }
        var img = ImageDecoder.Decode(raw, path); // also validates JPEGs stored as-is
        width ??= img.Width;
        height ??= img.Height;
        if (!o.Png && ImageFormatSniffer.IsJpeg(raw) && img.Width == width && img.Height == height)
            return raw;
        return ImageWriter.Encode(ImageOps.Resize(img, width.Value, height.Value), o.Png, o.JpegQuality);
    }
}
