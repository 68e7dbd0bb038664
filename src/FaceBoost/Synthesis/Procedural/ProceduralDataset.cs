using FaceBoost.Data;
using FaceBoost.Runtime;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceBoost.Imaging;

namespace FaceBoost.Synthesis.Procedural;

/// <summary>Writes procedural face datasets to disk: labeled folders (<c>root/&lt;group&gt;_&lt;index&gt;/&lt;k&gt;.png</c>,
/// readable as <c>root/&lt;identity&gt;/&lt;image&gt;</c>) and flat unlabeled pools. Output is a pure function of the
/// options, so a seed reproduces every byte; identities are rendered in parallel.</summary>
public static class ProceduralDataset
{
    /// <summary>Size of the identity index block reserved per pool: pool k owns
    /// [PoolOffset(k), PoolOffset(k) + IndexBlock). Labeled/evaluation sets conventionally use block 0
    /// (indices below <see cref="IndexBlock"/>), pools start at block 1.</summary>
    public const long IndexBlock = 1_000_000;

    /// <summary>The first identity index of unlabeled pool <paramref name="pool"/> (0-based), disjoint from
    /// labeled sets whose indices are below <see cref="IndexBlock"/>.</summary>
    public static long PoolOffset(int pool) => (pool + 1L) * IndexBlock;

    public static string IdentityName(FaceIdentity id) => $"{id.Group}_{id.Index:D6}";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes N identities × K images, <c>groups.txt</c> ("&lt;identity&gt; &lt;group&gt;" lines),
    /// <c>identity_params.json</c> and <c>dataset.json</c> (the options). Progress reports images written.</summary>
    public static ProceduralDatasetSummary Generate(string outDir, ProceduralDatasetOptions opts, IProgress<int>? progress = null)
    {
        if (opts.Identities <= 0) throw new ArgumentOutOfRangeException(nameof(opts), $"identities must be positive, got {opts.Identities}");
        if (opts.ImagesPerIdentity <= 0) throw new ArgumentOutOfRangeException(nameof(opts), $"images per identity must be positive, got {opts.ImagesPerIdentity}");
        if (opts.Groups.Count == 0) throw new ArgumentException("at least one group is needed", nameof(opts));
        if (opts.IdentityOffset < 0) throw new ArgumentOutOfRangeException(nameof(opts), "identity offset must be non-negative");
        foreach (var g in opts.Groups) DemographicGroup.Get(g); // fail before any work on a bad name
        var renderer = new ProceduralFaceRenderer(opts.Size);
        var sw = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);

        var ids = new FaceIdentity[opts.Identities];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = FaceIdentity.Sample(opts.Seed, opts.IdentityOffset + i, opts.Groups[i % opts.Groups.Count]);

        int done = 0;
        Parallel.For(0, ids.Length, Parallelism(opts.Threads), i =>
        {
            var id = ids[i];
            var dir = Path.Combine(outDir, IdentityName(id));
            Directory.CreateDirectory(dir);
            for (int k = 0; k < opts.ImagesPerIdentity; k++)
            {
                var img = renderer.Render(id, NuisanceParams.Sample(opts.Seed, id.Index, k, opts.Nuisance));
                ImageWriter.Save(img, Path.Combine(dir, $"{k:D3}.png"));
                progress?.Report(Interlocked.Increment(ref done));
            }
        });

        var groups = new StringBuilder();
        foreach (var id in ids) groups.Append(CultureInfo.InvariantCulture, $"{IdentityName(id)} {id.Group}\n");
        WriteText(Path.Combine(outDir, "groups.txt"), groups.ToString());
        WriteText(Path.Combine(outDir, "identity_params.json"), JsonSerializer.Serialize(ids, Json));
        WriteText(Path.Combine(outDir, "dataset.json"), JsonSerializer.Serialize(new { kind = "procedural-labeled", options = opts }, Json));
        return new ProceduralDatasetSummary(outDir, ids.Length, ids.Length * opts.ImagesPerIdentity,
            opts.IdentityOffset, opts.IdentityOffset + ids.Length, sw.Elapsed);
    }

    /// <summary>Writes an unlabeled pool: <c>outDir/&lt;n&gt;.png</c>, no identity or group labels (only
    /// <c>pool.json</c> with the options that made it, for provenance and cache keys).</summary>
    public static ProceduralDatasetSummary GenerateUnlabeled(string outDir, UnlabeledPoolOptions opts, IProgress<int>? progress = null)
    {
        if (opts.Count <= 0) throw new ArgumentOutOfRangeException(nameof(opts), $"image count must be positive, got {opts.Count}");
        if (opts.ImagesPerIdentity <= 0) throw new ArgumentOutOfRangeException(nameof(opts), $"images per identity must be positive, got {opts.ImagesPerIdentity}");
        if (opts.GroupMix.Count == 0 || opts.GroupMix.Values.Sum(w => Math.Max(0, w)) <= 0)
            throw new ArgumentException("the group mix needs at least one group with positive weight", nameof(opts));
        var names = opts.GroupMix.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray(); // order-independent of the dictionary
        foreach (var g in names) DemographicGroup.Get(g);
        var weights = names.Select(n => opts.GroupMix[n]).ToArray();
        var renderer = new ProceduralFaceRenderer(opts.Size);
        var sw = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);

        int people = (opts.Count + opts.ImagesPerIdentity - 1) / opts.ImagesPerIdentity;
        var ids = new FaceIdentity[people];
        for (int i = 0; i < people; i++)
        {
            long index = opts.IdentityOffset + i;
            var r = SeededRandom.For(opts.Seed, 0x9F_0000UL, (ulong)index);
            ids[i] = FaceIdentity.Sample(opts.Seed, index, names[r.Pick(weights)]);
        }
        int digits = Math.Max(6, (opts.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
        int done = 0;
        Parallel.For(0, people, Parallelism(opts.Threads), i =>
        {
            var id = ids[i];
            for (int k = 0; k < opts.ImagesPerIdentity; k++)
            {
                int n = i * opts.ImagesPerIdentity + k;
                if (n >= opts.Count) break;
                var img = renderer.Render(id, NuisanceParams.Sample(opts.Seed, id.Index, k, opts.Nuisance));
                ImageWriter.Save(img, Path.Combine(outDir, n.ToString("D" + digits, CultureInfo.InvariantCulture) + ".png"));
                progress?.Report(Interlocked.Increment(ref done));
            }
        });
        WriteText(Path.Combine(outDir, "pool.json"), JsonSerializer.Serialize(new { kind = "procedural-unlabeled", options = opts }, Json));
        return new ProceduralDatasetSummary(outDir, people, opts.Count, opts.IdentityOffset, opts.IdentityOffset + people, sw.Elapsed);
    }

    /// <summary>Convenience: a pool of <paramref name="count"/> images with the given group weights.</summary>
    public static ProceduralDatasetSummary GenerateUnlabeled(string outDir, int count, IReadOnlyDictionary<string, double> groupMix, ulong seed,
        long identityOffset = IndexBlock, int size = 64, IProgress<int>? progress = null)
        => GenerateUnlabeled(outDir, new UnlabeledPoolOptions { Count = count, GroupMix = groupMix, Seed = seed, IdentityOffset = identityOffset, Size = size }, progress);

    /// <summary>Renders images in memory (no disk): identity i = offset + i of group Groups[i mod n], K images each.
    /// Used by tests, benchmarks and contact sheets.</summary>
    public static (FaceIdentity Identity, RgbImage[] Images)[] Render(ProceduralDatasetOptions opts)
    {
        var renderer = new ProceduralFaceRenderer(opts.Size);
        var result = new (FaceIdentity, RgbImage[])[opts.Identities];
        Parallel.For(0, opts.Identities, Parallelism(opts.Threads), i =>
        {
            var id = FaceIdentity.Sample(opts.Seed, opts.IdentityOffset + i, opts.Groups[i % opts.Groups.Count]);
            var imgs = new RgbImage[opts.ImagesPerIdentity];
            for (int k = 0; k < imgs.Length; k++) imgs[k] = renderer.Render(id, NuisanceParams.Sample(opts.Seed, id.Index, k, opts.Nuisance));
            result[i] = (id, imgs);
        });
        return result;
    }

    /// <summary>Tiles equally sized images into rows of <paramref name="columns"/>, with a 1-px white gutter.</summary>
    public static RgbImage ContactSheet(IReadOnlyList<RgbImage> images, int columns)
    {
        if (images.Count == 0) throw new ArgumentException("no images to tile", nameof(images));
        int w = images[0].Width, h = images[0].Height, rows = (images.Count + columns - 1) / columns;
        var sheet = new RgbImage(columns * (w + 1) + 1, rows * (h + 1) + 1);
        Array.Fill(sheet.Pixels, 1f);
        for (int n = 0; n < images.Count; n++)
        {
            var img = images[n];
            if (img.Width != w || img.Height != h) throw new ArgumentException($"image {n} is {img.Width}x{img.Height}, expected {w}x{h}", nameof(images));
            int ox = 1 + (n % columns) * (w + 1), oy = 1 + (n / columns) * (h + 1);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        sheet[c, oy + y, ox + x] = img[c, y, x];
        }
        return sheet;
    }

    private static ParallelOptions Parallelism(int threads) => new() { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };

    private static void WriteText(string path, string text) => AtomicFile.WriteAllText(path, text);
}
