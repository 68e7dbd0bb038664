using FaceBoost.Evaluation;
using FaceBoost.Faces;
using FaceBoost.Imaging;
using Xunit.Abstractions;

namespace FaceBoost.Tests.Faces;

/// <summary>YuNet + alignment on real in-the-wild CelebA photos, judged by an independent recognizer.</summary>
public sealed class CelebAAlignmentTests(ITestOutputHelper output)
{
    private const int Identities = 10; // ~260 photos keeps this under a minute on 2 cores

    private static List<(string file, string id)> Slice()
    {
        var root = SharedData.Require("data", "celeba-dev");
        var lines = File.ReadAllLines(Path.Combine(root, "identity.txt"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 2)
            .Select(p => (file: Path.Combine(root, "images", p[0]), id: p[1])).ToList();
        var keep = lines.Select(l => l.id).Distinct().Order(StringComparer.Ordinal).Take(Identities).ToHashSet();
        return lines.Where(l => keep.Contains(l.id)).ToList();
    }

    [SkippableFact]
    public void YuNet_finds_faces_with_plausible_landmarks()
    {
        var model = SharedData.Require("models", "yunet-face-detector.onnx");
        var photos = Slice().Take(12).ToList();
        using var det = new YuNetDetector(model);
        int plausible = 0;
        foreach (var (file, _) in photos)
        {
            var img = ImageDecoder.Decode(file);
            var faces = det.Detect(img);
            Assert.NotEmpty(faces);
            var f = faces.OrderByDescending(x => x.Area).First();
            Assert.InRange(f.Score, 0.6f, 1f);
            Assert.True(f.Box.Left > -0.2f * f.Box.Width && f.Box.Right < img.Width + 0.2f * f.Box.Width, $"{file}: box {f.Box} outside {img.Width}x{img.Height}");
            Assert.True(f.Landmarks[0].X < f.Landmarks[1].X, $"{file}: eyes not in image-left, image-right order");
            Assert.True(f.Landmarks[2].Y > (f.Landmarks[0].Y + f.Landmarks[1].Y) / 2, $"{file}: nose above the eyes");
            if (LandmarkCheck.Problem(f, new AlignmentOptions()) is null) plausible++;
        }
        Assert.True(plausible >= photos.Count - 1, $"only {plausible}/{photos.Count} plausible");
    }

    [SkippableFact]
    public void Aligned_crops_verify_clearly_better_than_centre_crops()
    {
        var yunet = SharedData.Require("models", "yunet-face-detector.onnx");
        var recognizer = SharedData.Require("models", "mobilefacenet-128d.onnx");
        var slice = Slice();
        using var det = new YuNetDetector(yunet);
        var aligner = new FaceAligner(new AlignmentOptions(OutputSize: 112));
        var aligned = new List<RgbImage>(); var centre = new List<RgbImage>(); var ids = new List<string>();
        foreach (var (file, id) in slice)
        {
            var img = ImageDecoder.Decode(file);
            var face = det.Detect(img).OrderByDescending(f => f.Area).FirstOrDefault();
            var crop = face is null ? null : aligner.TryAlign(img, face, out _);
            if (crop is null) continue; // compare both methods on the same photos
            aligned.Add(crop.Crop); centre.Add(CentreCrop(img, 112)); ids.Add(id);
        }
        Assert.True(aligned.Count >= 0.95 * slice.Count, $"aligned only {aligned.Count}/{slice.Count} photos");

        // Measured on the whole slice (10-fold, balanced pairs): BGR input verifies slightly better than
        // RGB, so the model most likely expects BGR; the gap to centre crops is the same either way.
        var pairs = BalancedPairs(ids, seed: 7);
        double accAligned = TenFold(recognizer, ChannelOrder.Bgr, aligned, pairs);
        double accCentre = TenFold(recognizer, ChannelOrder.Bgr, centre, pairs);
        double accAlignedRgb = TenFold(recognizer, ChannelOrder.Rgb, aligned, pairs);
        output.WriteLine($"{aligned.Count}/{slice.Count} photos, {ids.Distinct().Count()} identities, {pairs.Count} pairs, 10-fold accuracy: " +
                         $"aligned BGR {accAligned:F4}, aligned RGB {accAlignedRgb:F4}, centre crop BGR {accCentre:F4}");

        Assert.True(accAligned > 0.85, $"aligned accuracy {accAligned:F3}");
        Assert.True(accAligned - accCentre > 0.2, $"aligned {accAligned:F3} vs centre {accCentre:F3}");
    }

    /// <summary>Every same-identity pair and as many different-identity pairs, drawn with a fixed seed.</summary>
    private static List<(int a, int b, bool same)> BalancedPairs(IReadOnlyList<string> ids, int seed)
    {
        var pos = new List<(int, int, bool)>();
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
                if (ids[i] == ids[j]) pos.Add((i, j, true));
        var rng = new Random(seed);
        var neg = new HashSet<(int, int, bool)>();
        while (neg.Count < pos.Count)
        {
            int i = rng.Next(ids.Count), j = rng.Next(ids.Count);
            if (ids[i] != ids[j]) neg.Add((Math.Min(i, j), Math.Max(i, j), false));
        }
        // Interleave so consecutive folds each hold both kinds.
        return pos.Zip(neg, (p, n) => new[] { p, n }).SelectMany(x => x).ToList();
    }

    private static double TenFold(string model, ChannelOrder order, IReadOnlyList<RgbImage> crops, List<(int a, int b, bool same)> pairs)
    {
        using var embedder = new OnnxFaceEmbedder(model, new EmbedderOptions { ChannelOrder = order, Threads = 2 });
        var emb = embedder.Embed(crops);
        var scores = pairs.Select(p => Cosine(emb[p.a], emb[p.b])).ToList();
        return VerificationMetrics.Compute(scores, pairs.Select(p => p.same).ToList()).KFold.Mean;
    }

    private static double Cosine(float[] x, float[] y)
    {
        double d = 0, nx = 0, ny = 0;
        for (int k = 0; k < x.Length; k++) { d += x[k] * y[k]; nx += x[k] * x[k]; ny += y[k] * y[k]; }
        return d / Math.Sqrt(nx * ny + 1e-12);
    }

    /// <summary>The naive baseline: shorter side resized to <paramref name="size"/>, centre square cut.</summary>
    private static RgbImage CentreCrop(RgbImage img, int size)
    {
        float s = size / (float)Math.Min(img.Width, img.Height);
        int w = Math.Max(size, (int)MathF.Round(img.Width * s)), h = Math.Max(size, (int)MathF.Round(img.Height * s));
        var r = AffineWarp.Resize(img, w, h);
        return AffineWarp.Warp(r, new SimilarityTransform(1, 0, -(w - size) / 2, -(h - size) / 2), size, size);
    }
}
