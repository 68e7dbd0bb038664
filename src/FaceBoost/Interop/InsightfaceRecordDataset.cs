using System.Globalization;
using FaceBoost.Data;
using FaceBoost.Imaging;

namespace FaceBoost.Interop;

/// <summary>An insightface training set (`train.rec` + `train.idx`, e.g. MS1M/Glint/CASIA from the
/// insightface dataset zoo) read as a labeled dataset, laid out as insightface's `MXFaceDataset` reads it:
/// record 0 is a header whose vector label is [first identity record, end of identity records]
/// (so images are records 1 … label[0]−1), identity records map a class to its [start, end) image
/// records, and each image record is IRHeader (label = class, scalar or first of a vector) + JPEG.
/// Without such a header (flag 0) every record is an image. Image bytes are read on demand.</summary>
public sealed class InsightfaceRecordDataset : IDisposable
{
    private readonly RecordIoReader _reader;
    private readonly long[] _imageKeys;
    private readonly int[] _labels;

    public string Directory { get; }
    /// <summary>Identity ranges from the identity records: class → [start, end) image keys (empty when the set has none).</summary>
    public IReadOnlyList<(long Start, long End)> IdentityRanges { get; }
    public int Count => _imageKeys.Length;
    public int NumClasses { get; }
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<long> ImageKeys => _imageKeys;

    private InsightfaceRecordDataset(string dir, RecordIoReader reader, long[] keys, int[] labels, List<(long, long)> ranges)
    {
        Directory = dir; _reader = reader; _imageKeys = keys; _labels = labels; IdentityRanges = ranges;
        NumClasses = labels.Length == 0 ? 0 : labels.Max() + 1;
    }

    /// <summary>Opens `&lt;dir&gt;/train.rec` + `train.idx` (or an explicit .rec path). Scans every image
    /// record's header once for its label (a few bytes each); pixels stay on disk.</summary>
    public static InsightfaceRecordDataset Open(string dirOrRec)
    {
        string rec = File.Exists(dirOrRec) ? dirOrRec : Path.Combine(dirOrRec, "train.rec");
        var reader = new RecordIoReader(rec);
        try
        {
            var ranges = new List<(long, long)>();
            long[] keys;
            if (reader.Keys.Count == 0) throw new RecordIoException(reader.IdxPath, -1, "index is empty");
            var h0 = reader.Index.Contains(0) ? IrHeader.Unpack(reader.ReadPrefix(0, 64), rec + "#0").Header : null;
            if (h0 is { Flag: > 0 })
            {
                if (h0.Flag < 2) throw new RecordIoException(rec, reader.Index.OffsetOf(0), "header record 0 has a vector label with fewer than 2 values");
                float imgEndF = h0.Labels[0], idEndF = h0.Labels[1];
                // The header's floats become key ranges (and an array size): they must be whole, increasing, and no
                // larger than the index, which lists every record the .rec holds.
                long indexed = reader.Index.Count;
                if (!(imgEndF >= 1) || !(idEndF >= imgEndF) || imgEndF != MathF.Floor(imgEndF) || idEndF != MathF.Floor(idEndF))
                    throw new RecordIoException(rec, reader.Index.OffsetOf(0), $"header record 0 label [{h0.Labels[0]}, {h0.Labels[1]}] is not an increasing key range");
                if (imgEndF - 1 > indexed || idEndF - imgEndF > indexed)
                    throw new RecordIoException(rec, reader.Index.OffsetOf(0), $"header record 0 label [{h0.Labels[0]}, {h0.Labels[1]}] claims more records than the {indexed} in the index");
                long imgEnd = (long)imgEndF, idEnd = (long)idEndF;
                keys = new long[imgEnd - 1];
                for (long k = 1; k < imgEnd; k++)
                {
                    if (!reader.Index.Contains(k)) throw new RecordIoException(reader.IdxPath, -1, $"image record {k} (header says images are 1..{imgEnd - 1}) is missing from the index");
                    keys[k - 1] = k;
                }
                for (long k = imgEnd; k < idEnd; k++)
                {
                    if (!reader.Index.Contains(k)) break; // identity records are optional for reading images
                    var (hi, _) = IrHeader.Unpack(reader.Read(k), $"{rec}#{k}");
                    if (hi.Flag < 2) throw new RecordIoException(rec, reader.Index.OffsetOf(k), $"identity record {k} has no [start, end) range label");
                    if (!(hi.Labels[0] >= 0) || !(hi.Labels[1] >= hi.Labels[0]) || hi.Labels[1] > imgEnd)
                        throw new RecordIoException(rec, reader.Index.OffsetOf(k), $"identity record {k} range [{hi.Labels[0]}, {hi.Labels[1]}) is not inside the image keys 1..{imgEnd - 1}");
                    ranges.Add(((long)hi.Labels[0], (long)hi.Labels[1]));
                }
            }
            else keys = [.. reader.Keys];

            var labels = new int[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                var (h, _) = IrHeader.Unpack(ReadHeaderBytes(reader, keys[i]), $"{rec}#{keys[i]}");
                float l = h.PrimaryLabel;
                if (!(l >= 0) || l != MathF.Floor(l) || l > 1 << 24)
                    throw new RecordIoException(rec, reader.Index.OffsetOf(keys[i]), $"record {keys[i]} has label {l}, not a class index");
                labels[i] = (int)l;
            }
            return new InsightfaceRecordDataset(Path.GetDirectoryName(Path.GetFullPath(rec))!, reader, keys, labels, ranges);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    // Labels need only the IRHeader (+ a few label floats), not the JPEG.
    private static byte[] ReadHeaderBytes(RecordIoReader reader, long key) => reader.ReadPrefix(key, IrHeader.Size + 16);

    /// <summary>The encoded image (JPEG as insightface stores it) of the i-th image.</summary>
    public byte[] ReadImageBytes(int i)
    {
        var rec = _reader.Read(_imageKeys[i]);
        var (_, off) = IrHeader.Unpack(rec, SourceName(i));
        return rec[off..];
    }

    public (IrHeader Header, byte[] Image) ReadRecord(int i)
    {
        var rec = _reader.Read(_imageKeys[i]);
        var (h, off) = IrHeader.Unpack(rec, SourceName(i));
        return (h, rec[off..]);
    }

    /// <summary>Decodes the i-th image; failures are <see cref="ImageDecodeException"/>s naming "train.rec#key".</summary>
    public RgbImage Decode(int i) => ImageDecoder.Decode(ReadImageBytes(i), SourceName(i));

    /// <summary>(rec:// address, label) of every image, for data layers that store image paths; decode them
    /// with <see cref="RecordImagePath.Decode"/>.</summary>
    public IEnumerable<(string Path, int Label)> Samples() =>
        _imageKeys.Select((k, i) => (RecordImagePath.Format(_reader.RecPath, k), _labels[i]));

    /// <summary>The set as a data-layer <see cref="FaceDataset"/>: samples are rec:// addresses (decoded on
    /// demand from the .rec by <see cref="ImageDecoder"/>), identities are the class indices as "000123"
    /// (so ordinal order = numeric order and labels equal the record labels).</summary>
    public FaceDataset ToFaceDataset(string? name = null) =>
        FaceDataset.FromPaths(name ?? System.IO.Path.GetFileName(Directory), Directory,
            Samples().Select(s => (s.Path, (string?)s.Label.ToString("D6", CultureInfo.InvariantCulture))));

    /// <summary>Writes the images as an image tree, `&lt;dir&gt;/&lt;label:D6&gt;/&lt;key&gt;.jpg` (or .png as stored), the
    /// folder-per-identity layout every FaceBoost data loader reads. Returns the number of files written.</summary>
    public int ExtractTo(string outputDir, IProgress<int>? progress = null)
    {
        for (int i = 0; i < Count; i++)
        {
            var bytes = ReadImageBytes(i);
            var ext = ImageFormatSniffer.FileExtension(bytes);
            var dir = System.IO.Path.Combine(outputDir, _labels[i].ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
            System.IO.Directory.CreateDirectory(dir);
            File.WriteAllBytes(System.IO.Path.Combine(dir, _imageKeys[i] + ext), bytes);
            progress?.Report(i + 1);
        }
        return Count;
    }

    public string SourceName(int i) => $"{_reader.RecPath}#{_imageKeys[i]}";

    public void Dispose() => _reader.Dispose();
}
