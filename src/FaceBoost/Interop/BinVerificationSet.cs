using FaceBoost.Runtime;
using System.Globalization;
using FaceBoost.Data;
using FaceBoost.Imaging;

namespace FaceBoost.Interop;

/// <summary>An insightface verification file (`lfw.bin`, `cfp_fp.bin`, `agedb_30.bin`, …): a pickle of
/// (list of encoded images, list of issame bools), images 2i and 2i+1 forming pair i. Read with
/// <see cref="SafePickleReader"/> (never executes pickle code); written as Python 3's pickle.dump
/// at protocol 4 would.</summary>
public sealed class BinVerificationSet
{
    public IReadOnlyList<byte[]> Images { get; }
    public IReadOnlyList<bool> IsSame { get; }
    public int PairCount => IsSame.Count;

    public BinVerificationSet(IReadOnlyList<byte[]> images, IReadOnlyList<bool> isSame)
    {
        if (images.Count != 2 * isSame.Count)
            throw new ArgumentException($"{images.Count} images for {isSame.Count} pairs: a verification set holds exactly 2 images per pair");
        Images = images; IsSame = isSame;
    }

    public static BinVerificationSet Load(string path, long maxImageBytes = 64L << 20)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new PickleException(path, -1, "cannot read file: " + ex.Message); }
        return Parse(data, path, maxImageBytes);
    }

    public static BinVerificationSet Parse(byte[] data, string source, long maxImageBytes = 64L << 20)
    {
        var root = new SafePickleReader { MaxObjectBytes = maxImageBytes }.Load(data, source);
        if (root is not PickleTuple { Count: 2 } t || t[0] is not List<object?> bins || t[1] is not List<object?> same)
            throw new PickleException(source, 0, "not an insightface verification set: expected a (list of images, list of issame) tuple");
        var images = new List<byte[]>(bins.Count);
        foreach (var b in bins) images.Add(b as byte[] ?? throw new PickleException(source, 0, $"image {images.Count} is a {b?.GetType().Name ?? "None"}, not bytes"));
        var issame = new List<bool>(same.Count);
        foreach (var s in same)
            issame.Add(s switch
            {
                bool v => v,
                long l and (0 or 1) => l == 1, // some converters store 0/1
                _ => throw new PickleException(source, 0, $"issame {issame.Count} is a {s?.GetType().Name ?? "None"}, not a bool"),
            });
        if (images.Count != 2 * issame.Count)
            throw new PickleException(source, 0, $"{images.Count} images for {issame.Count} issame flags (need 2 per pair)");
        return new BinVerificationSet(images, issame);
    }

    public void Save(string path)
    {
        AtomicFile.Write(path, fs => PickleWriter.Dump(new PickleTuple([Images.ToList(), IsSame.ToList()]), fs));
    }

    public (RgbImage A, RgbImage B) DecodePair(int i, string source = "bin") =>
        (ImageDecoder.Decode(Images[2 * i], $"{source}#{2 * i}"), ImageDecoder.Decode(Images[2 * i + 1], $"{source}#{2 * i + 1}"));

    /// <summary>Builds a set from image pairs on disk; JPEGs at the right size are kept byte for byte,
    /// everything else is resized (when <paramref name="size"/> is given) and encoded as JPEG.</summary>
    public static BinVerificationSet FromPairs(IEnumerable<(string PathA, string PathB, bool Same)> pairs, int? size = null, int jpegQuality = 95)
    {
        var images = new List<byte[]>();
        var same = new List<bool>();
        foreach (var (a, b, s) in pairs)
        {
            images.Add(EncodeFile(a, size, jpegQuality));
            images.Add(EncodeFile(b, size, jpegQuality));
            same.Add(s);
        }
        return new BinVerificationSet(images, same);
    }

    private static byte[] EncodeFile(string path, int? size, int q)
    {
        var raw = File.Exists(path) ? File.ReadAllBytes(path) : throw new ImageDecodeException(path, "file not found");
        var img = ImageDecoder.Decode(raw, path);
        bool sizeOk = size is null || (img.Width == size && img.Height == size);
        if (ImageFormatSniffer.IsJpeg(raw) && sizeOk) return raw;
        return ImageWriter.Encode(size is int s ? ImageOps.Resize(img, s, s) : img, png: false, q);
    }

    /// <summary>The set as <see cref="VerificationPair"/>s for <c>VerificationEvaluator</c> (standard 10-fold
    /// protocol): images are extracted under <paramref name="outputDir"/> (see <see cref="ExtractTo"/>);
    /// <paramref name="group"/> (e.g. "lfw") labels every pair.</summary>
    public IReadOnlyList<VerificationPair> ToPairs(string outputDir, string? group = null) =>
        ExtractTo(outputDir).Select(p => new VerificationPair(p.PathA, p.PathB, p.Same, group)).ToList();

    /// <summary>Writes the images as files (`images/000000.jpg`, …) and a `pairs.txt` of
    /// "&lt;pathA&gt;\t&lt;pathB&gt;\t&lt;1|0&gt;" lines (paths relative to <paramref name="outputDir"/>),
    /// for tools that evaluate image pairs from disk. Returns the pairs with absolute paths.</summary>
    public IReadOnlyList<(string PathA, string PathB, bool Same)> ExtractTo(string outputDir)
    {
        var imgDir = Path.Combine(outputDir, "images");
        Directory.CreateDirectory(imgDir);
        var names = new string[Images.Count];
        for (int i = 0; i < Images.Count; i++)
        {
            var ext = ImageFormatSniffer.FileExtension(Images[i]);
            names[i] = Path.Combine("images", i.ToString("D6", CultureInfo.InvariantCulture) + ext);
            File.WriteAllBytes(Path.Combine(outputDir, names[i]), Images[i]);
        }
        var pairs = new List<(string, string, bool)>();
        using var w = new StreamWriter(Path.Combine(outputDir, "pairs.txt")) { NewLine = "\n" };
        for (int p = 0; p < PairCount; p++)
        {
            w.WriteLine($"{names[2 * p]}\t{names[2 * p + 1]}\t{(IsSame[p] ? 1 : 0)}");
            pairs.Add((Path.GetFullPath(Path.Combine(outputDir, names[2 * p])), Path.GetFullPath(Path.Combine(outputDir, names[2 * p + 1])), IsSame[p]));
        }
        return pairs;
    }
}
