using FaceBoost.Runtime;
using System.Text.Json;
using FaceBoost.Synthesis.Procedural;

namespace FaceBoost.Experiments;

/// <summary>`faceboost demo`: renders its own data with the procedural face renderer (labeled identities in four
/// demographic-like groups, two unlabeled pools of other people with different group mixes), then runs the
/// built-in experiment config over it. Nothing is downloaded; a re-run reuses the data and the finished stages.</summary>
public static class DemoExperiment
{
    public const string ResourceName = "FaceBoost.configs.demo.json";

    /// <summary>The copy of the built-in config as last written, beside demo.json: it tells an unedited demo.json
    /// (refreshed when the built-in config changes) from one the user edited (kept).</summary>
    public const string WrittenCopyName = ".demo.json.as-written";

    /// <summary>Makes <paramref name="outDir"/>/demo.json the built-in config unless the user edited it: a missing file is
    /// written; an unedited one (equal to the copy written beside it) is replaced when the built-in config changed; an
    /// edited one, or one from before the copy existed, is kept, with a note when it differs from the built-in config
    /// (keys it leaves out take today's defaults). Returns the config path.</summary>
    public static string EnsureConfig(string outDir, Action<string>? log = null)
    {
        Directory.CreateDirectory(outDir);
        var configPath = Path.Combine(outDir, "demo.json");
        var writtenPath = Path.Combine(outDir, WrittenCopyName);
        var builtIn = BuiltInConfigJson();
        if (!File.Exists(configPath))
        {
            AtomicFile.WriteAllText(configPath, builtIn);
            AtomicFile.WriteAllText(writtenPath, builtIn);
            return configPath;
        }
        var current = File.ReadAllText(configPath);
        if (current == builtIn) return configPath;
        if (File.Exists(writtenPath) && File.ReadAllText(writtenPath) == current)
        {
            AtomicFile.WriteAllText(configPath, builtIn);
            AtomicFile.WriteAllText(writtenPath, builtIn);
            log?.Invoke($"{configPath}: updated to the current built-in demo config (it was not edited)");
        }
        else
        {
            log?.Invoke($"{configPath}: kept (edited or from an older version) although the built-in demo config differs; " +
                        "keys it leaves out take today's defaults — delete it to get the built-in config");
        }
        return configPath;
    }

    public static string BuiltInConfigJson()
    {
        using var s = typeof(DemoExperiment).Assembly.GetManifestResourceStream(ResourceName)
                      ?? throw new InvalidOperationException($"the built-in demo config '{ResourceName}' is missing from FaceBoost.Core");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    /// <summary>Writes the built-in config to <paramref name="outDir"/>/demo.json (see <see cref="EnsureConfig"/>)
    /// and renders the data it names. Returns the config path.</summary>
    public static string Prepare(string outDir, IProgress<ExperimentProgress>? progress = null, Action<string>? log = null)
    {
        var configPath = EnsureConfig(outDir, log);
        var config = JsonConfig.Load<ExperimentConfig>(configPath);
        var d = config.Demo ?? new DemoDataConfig();
        d.Validate(configPath);
        var nuisance = new NuisanceOptions { Strength = d.Nuisance };
        var dataDir = Path.Combine(outDir, "data");

        var labeled = Path.Combine(dataDir, "labeled");
        var labeledOpts = new ProceduralDatasetOptions
        {
            Identities = d.LabeledIdentities, ImagesPerIdentity = d.ImagesPerIdentity, Size = d.ImageSize, Seed = d.Seed,
            Nuisance = nuisance,
        };
        Render(labeled, labeledOpts, p => ProceduralDataset.Generate(labeled, labeledOpts, p),
            labeledOpts.Identities * labeledOpts.ImagesPerIdentity, "render:labeled", progress, log);

        // Two pools of people disjoint from the labeled ones (and from each other), with different group mixes,
        // like the paper's per-ethnicity unlabeled sets.
        var mixes = new[] { ("pool-AB", new Dictionary<string, double> { ["A"] = 1, ["B"] = 1 }),
                            ("pool-CD", new Dictionary<string, double> { ["C"] = 1, ["D"] = 1 }) };
        for (var k = 0; k < mixes.Length; k++)
        {
            var (name, mix) = mixes[k];
            var dir = Path.Combine(dataDir, name);
            var o = new UnlabeledPoolOptions
            {
                Count = d.PoolImages, ImagesPerIdentity = 2, Size = d.ImageSize, Seed = d.Seed, GroupMix = mix,
                IdentityOffset = ProceduralDataset.PoolOffset(k), Nuisance = nuisance,
            };
            Render(dir, o, p => ProceduralDataset.GenerateUnlabeled(dir, o, p), o.Count, $"render:{name}", progress, log);
        }
        return configPath;
    }

    private static void Render<T>(string dir, T options, Action<IProgress<int>> render, int total, string stage,
        IProgress<ExperimentProgress>? progress, Action<string>? log)
    {
        // A marker written after a complete render, holding the options: same options = reuse; else render again.
        var marker = Path.Combine(dir, ".rendered.json");
        var wanted = JsonSerializer.Serialize(options, JsonConfig.Options);
        if (File.Exists(marker) && File.ReadAllText(marker) == wanted)
        {
            progress?.Report(new ExperimentProgress(stage, "done (cached)", 1, Cached: true));
            return;
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        render(new SyncProgress<int>(n => progress?.Report(new ExperimentProgress(stage, $"{n}/{total} faces", n / (double)total))));
        AtomicFile.WriteAllText(marker, wanted);
        log?.Invoke($"rendered {total} procedural faces into {dir} in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
