using System.Text.Json.Serialization;
using FaceBoost.Training;

namespace FaceBoost.Experiments;

/// <summary>The paper's comparison as plain data: unlabeled pools, a labeled set, evaluation sets,
/// label fractions, seeds, arms, and each stage's budget. Loaded with <see cref="JsonConfig.Load{T}"/>
/// (a config may name a "base" it overrides).</summary>
public sealed record ExperimentConfig
{
    public string Name { get; init; } = "experiment";
    /// <summary>Where stages, runs and the report go (relative to the config file's folder when relative).</summary>
    public string WorkDir { get; init; } = "runs/experiment";
    /// <summary>The stage cache (default: workDir/stages; relative to the config file's folder). Stages are keyed by
    /// content, so variants of a config (a study's rows) that point here at one cache reuse each other's finished
    /// stages while each writes its own report. Run one experiment at a time on a cache. Left out of the JSON when
    /// null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StagesDir { get; init; }
    public int Threads { get; init; } = 0;
    public int Workers { get; init; } = 2;
    public IReadOnlyList<PoolConfig> Pools { get; init; } = [];
    /// <summary>Also pretrain on the union of all pools (the paper's best arm).</summary>
    public bool UnionPool { get; init; } = true;
    public LabeledSetConfig Labeled { get; init; } = new();
    public IReadOnlyList<EvalSetConfig> Evaluation { get; init; } = [];
    public IReadOnlyList<double> LabelFractions { get; init; } = [0.01, 0.1, 1.0];
    /// <summary>"identities": keep a fraction of the identities (all their images); "images": a fraction of each identity's images.</summary>
    public string LabelMode { get; init; } = "identities";
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];
    /// <summary>Independent pretraining runs per setting: each draw trains its own GAN, encoder, autoencoder and synthetic
    /// identities from its own seed (<see cref="PretrainSeed"/>). The recognition seed at position i of <see cref="Seeds"/>
    /// starts from draw i mod PretrainDraws, so the paired gain's spread holds the pretraining's run-to-run variation as
    /// well as the recognition seed's — at CPU budgets the two are of the same size (bench/results/method.md §11–§12).
    /// 1 (default) = one draw, whose stages keep the keys they had before draws existed. Scratch does not depend on it.</summary>
    public int PretrainDraws { get; init; } = 1;
    /// <summary>Train every recognition seed from every pretraining draw (seeds × draws models per pretrained arm) instead
    /// of seed i from draw i mod PretrainDraws. A seed's gain is then its mean over the draws, and the report adds the gain
    /// of each draw and splits the spread into draw, seed and their interaction — at CPU budgets the interaction is as
    /// large as the effect (method.md §12), so one model per seed cannot resolve it. Costs draws × the pretrained runs.</summary>
    public bool CrossDraws { get; init; }
    /// <summary>scratch | encoder:&lt;pool&gt; | encoder:union | synthetic | autoencoder</summary>
    public IReadOnlyList<string> Arms { get; init; } = ["scratch", "encoder:union", "synthetic"];
    /// <summary>The IR/IR-SE body shared by the encoder and every recognition arm (so the transfer is exact).</summary>
    public NetworkConfig Network { get; init; } = new();
    /// <summary>Stage 1's knobs: the same record, and defaults, as `faceboost train-gan`.</summary>
    public GanSettings Gan { get; init; } = new();
    /// <summary>Stage 2's knobs: the same record, and defaults, as `faceboost train-encoder` (the network is <see cref="Network"/>).</summary>
    public EncoderSettings Encoder { get; init; } = new();
    public SyntheticStageConfig Synthetic { get; init; } = new();
    public RecognitionStageConfig Recognition { get; init; } = new();
    public EvalStageConfig Eval { get; init; } = new();
    /// <summary>Pretraining budgets to compare (null = only the gan.kimg / encoder.steps point).</summary>
    public SweepConfig? Sweep { get; init; }
    /// <summary>Only for `faceboost demo`: how much procedural data to render.</summary>
    public DemoDataConfig? Demo { get; init; }

    /// <summary>The seed of pretraining draw <paramref name="draw"/> (GAN, encoder, autoencoder, synthetic identities).
    /// Draw 0 is the split seed, as before draws existed, so its stages are reused.</summary>
    public int PretrainSeed(int draw) => Labeled.SplitSeed + 1000 * draw;

    /// <summary>The pretraining draw that recognition seed <paramref name="seed"/> (one of <see cref="Seeds"/>) starts from.</summary>
    public int DrawOf(int seed)
    {
        var i = Seeds.ToList().IndexOf(seed);
        if (i < 0) throw new ArgumentException($"seed {seed} is not one of the config's seeds [{string.Join(", ", Seeds)}]", nameof(seed));
        return i % Math.Max(1, PretrainDraws);
    }

    /// <summary>The draws recognition seed <paramref name="seed"/> trains from: all of them with <see cref="CrossDraws"/>,
    /// else <see cref="DrawOf"/>'s one.</summary>
    public IReadOnlyList<int> DrawsOf(int seed) =>
        CrossDraws ? [.. Enumerable.Range(0, Math.Max(1, PretrainDraws))] : [DrawOf(seed)];
}

/// <summary>The built-in demo's data: procedural faces (labeled identities with groups A–D, and unlabeled pools).</summary>
public sealed record DemoDataConfig
{
    public int LabeledIdentities { get; init; } = 120;
    public int ImagesPerIdentity { get; init; } = 8;
    public int PoolImages { get; init; } = 1200;
    public int ImageSize { get; init; } = 64;
    public ulong Seed { get; init; } = 2023;
    /// <summary>Nuisance strength of every render, labeled and unlabeled (0 = the same frontal pose, expression and
    /// lighting, only background and clothing vary; 1 = the renderer's default; 1.5 = hard): how much of an image's
    /// variation is not identity.</summary>
    public float Nuisance { get; init; } = 1f;

    public void Validate(string configPath)
    {
        if (!float.IsFinite(Nuisance) || Nuisance < 0 || Nuisance > 5)
            throw new ArgumentException($"{configPath}: demo.nuisance must be in [0, 5], got {Nuisance}");
    }
}

/// <summary>An unlabeled pool: a folder tree of aligned faces or a list file of paths. Images of the
/// evaluation identities are always removed from a pool (by path), so pretraining never sees them.</summary>
public sealed record PoolConfig
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
    /// <summary>Glob patterns (relative paths) left out, e.g. "*_Ambient.pgm".</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>Optional cap on images used (0 = all); a seeded choice, not the first N.</summary>
    public int MaxImages { get; init; }
}

/// <summary>One labeled source: root/&lt;identity&gt;/&lt;image&gt; or a "&lt;path&gt; &lt;identity&gt;" list file.</summary>
public sealed record LabeledSourceConfig
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
    public bool ListFile { get; init; }
    /// <summary>Image root of a list file (default: the list file's folder).</summary>
    public string? ImageRoot { get; init; }
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>`&lt;identity&gt; &lt;group&gt;` lines; without it every identity of the source is in group <see cref="Group"/>.</summary>
    public string? Groups { get; init; }
    /// <summary>Group of all identities when no groups file is given (default: the source name, if several sources).</summary>
    public string? Group { get; init; }
}

public sealed record LabeledSetConfig
{
    /// <summary>root/&lt;identity&gt;/&lt;image&gt; folder, or a list file when <see cref="ListFile"/> is true.</summary>
    public string Path { get; init; } = "";
    public bool ListFile { get; init; }
    /// <summary>Optional `&lt;identity&gt; &lt;group&gt;` lines for per-group results.</summary>
    public string? Groups { get; init; }
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>Several sources concatenated (identities kept apart by source name); replaces <see cref="Path"/>.</summary>
    public IReadOnlyList<LabeledSourceConfig> Sources { get; init; } = [];
    /// <summary>Identities held out for evaluation when no evaluation set is given (0 = none).</summary>
    public double HeldOutFraction { get; init; } = 0.3;
    /// <summary>Identities of the training split set aside as a validation split (0 = none): an evaluation set with
    /// source "validation" draws its pairs from them. Settings are chosen on it, never on the held-out identities.</summary>
    public double ValidationFraction { get; init; }
    public int SplitSeed { get; init; } = 1234;
}

public sealed record EvalSetConfig
{
    public string Name { get; init; } = "heldout";
    /// <summary>"heldout" = pairs from the labeled set's held-out identities; "validation" = from the validation split of
    /// the training identities (labeled.validationFraction); otherwise a labeled folder to draw pairs from.</summary>
    public string Source { get; init; } = "heldout";
    public string? Groups { get; init; }
    /// <summary>An existing pairs file (LFW/RFW/generic) instead of generated pairs.</summary>
    public string? Pairs { get; init; }
    public string? ImageRoot { get; init; }
    public int NumPairs { get; init; } = 1200;
    public int PairSeed { get; init; } = 99;
}

/// <summary>IR-SE-50 at 112 px with width 64 is the paper; depth 18, width 16, 32 px is a CPU-sized form
/// with the same layer names.</summary>
public sealed record NetworkConfig
{
    public int Depth { get; init; } = 50;
    /// <summary>"ir_se" (paper) or "ir".</summary>
    public string Mode { get; init; } = "ir_se";
    public int Width { get; init; } = 64;
    public int InputSize { get; init; } = 112;

    public string BackboneName => (Mode == "ir_se" ? "irse" : "ir") + Depth;
}

public sealed record SyntheticStageConfig
{
    public int Identities { get; init; } = 200;
    public int ImagesPerIdentity { get; init; } = 8;
    public double Truncation { get; init; } = 0.8;
    /// <summary>Style layers kept per identity (coarse); the rest and the noise are resampled per image.</summary>
    public int CoarseLayers { get; init; } = 4;
    /// <summary>Epochs of recognition training on the synthetic identities before fine-tuning on real labels.</summary>
    public int PretrainEpochs { get; init; } = 4;
}

/// <summary>Stage 3's knobs: <see cref="RecognitionSettings"/> (the same record, and defaults, as `faceboost train`) plus
/// what only the experiment decides: how the labeled subset is fed, and a minimum number of steps. These serialise after
/// the shared knobs (JsonPropertyOrder), so a stage key keeps the field order it had when this was one flat record.</summary>
public sealed record RecognitionStageConfig : RecognitionSettings
{
    /// <summary>Decode the labeled subset once into memory (small sets); false streams it through FaceLoader workers
    /// with the paper's resize + random crop (needed for sets that do not fit in memory).</summary>
    [JsonPropertyOrder(1)] public bool InMemory { get; init; } = true;
    /// <summary>Streaming only: resize to this before the random crop (paper: 128 for 112 crops); 0 = plain resize.</summary>
    [JsonPropertyOrder(1)] public int ResizeTo { get; init; }
    /// <summary>Minimum optimisation steps per run, so 1 % of the labels still gets a fair budget.</summary>
    [JsonPropertyOrder(1)] public int MinSteps { get; init; } = 150;
    /// <summary>Added to the seed for everything random in a recognition run except which identities are labeled
    /// (initialisation, data order, augmentation, dropout): runs that differ only in it train the same labeled subset
    /// from other starts, which separates the subset's share of the seed-to-seed spread from the training's. Null = 0;
    /// left out of the JSON when null, so stage keys written before it existed stay the same.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TrainSeedOffset { get; init; }
    /// <summary>A learning rate per arm (keys as in <c>arms</c>, e.g. "scratch"), overriding <c>lr</c> for that arm's
    /// recognition runs, so each arm can run at the rate it does best at on validation: scratch and a pretrained body peak
    /// at different rates, and one shared rate favours whichever it suits (method.md §3, §22). A run's stage key holds
    /// only the rate it trains with, so an override reuses the runs of a config whose <c>lr</c> is that rate. Left out of
    /// the JSON when null.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? ArmLr { get; init; }
    /// <summary>Frozen-body epochs per pretrained arm (keys as in <c>arms</c>), overriding <c>freezeBodyEpochs</c> for
    /// that arm: a strong encoder body does best kept frozen while a weak one (the autoencoder, synthetic identities)
    /// needs fine-tuning, so one shared value favours one of them (method.md §23–25). As with <c>armLr</c>, a run's stage
    /// key holds only the value it trains with. Left out of the JSON when null.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? ArmFreezeBodyEpochs { get; init; }
    /// <summary>Minimum optimisation steps per arm (keys as in <c>arms</c>), overriding <c>minSteps</c> for that arm: a
    /// body trained from nothing needs more steps than a frozen pretrained one, whose head has converged long before
    /// (method.md §26), so each arm gets the budget validation picks for it. As with <c>armLr</c>, a run's stage key
    /// holds only the value it trains with. Left out of the JSON when null.</summary>
    [JsonPropertyOrder(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? ArmMinSteps { get; init; }

    /// <summary>This section without its per-arm tables: what a stage key holds once each arm's values are resolved.</summary>
    public RecognitionStageConfig WithoutArmTables() => this with { ArmLr = null, ArmFreezeBodyEpochs = null, ArmMinSteps = null };
}

/// <summary>A pretraining budget sweep: every encoder arm is trained and transferred at each GAN kimg × encoder
/// steps point (the autoencoder at each steps point). One GAN run per pool serves every kimg point through its
/// snapshots; finished points are reused by the stage cache. The report adds gain over scratch vs budget.</summary>
public sealed record SweepConfig
{
    public IReadOnlyList<double> GanKimg { get; init; } = [];
    public IReadOnlyList<int> EncoderSteps { get; init; } = [];
}

public sealed record EvalStageConfig
{
    public bool Flip { get; init; } = true;
}
