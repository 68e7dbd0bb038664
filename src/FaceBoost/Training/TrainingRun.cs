using System.Text.Json;
using System.Text.Json.Nodes;
using FaceBoost.Distributed;
using FaceBoost.Runtime;
using static TorchSharp.torch;

namespace FaceBoost.Training;

/// <summary>The run spine every trainer stands on (as stylegan2-ada's training_loop, arcface_torch's train_v2):
/// the run folder with options.json, stats.jsonl (one <see cref="StatsReporter"/>), numbered checkpoints in the one
/// container and the <c>latest</c> pointer, resume (falling back to the newest checkpoint that reads), the divergence
/// policy (non-finite values stop the run with <see cref="TrainingDivergedException"/>, the last good checkpoint stays
/// the newest), rank-0 gating and the data-parallel collectives. A trainer supplies its modules, step and data.</summary>
public sealed class TrainingRun : IDisposable
{
    public const string LatestFile = "latest";
    public const string OptionsFile = "options.json";
    public const string StatsFile = "stats.jsonl";
    public const string CheckpointPrefix = "ckpt-";

    private readonly int _keep;
    private readonly Action<string>? _say;

    /// <summary>Opens (rank 0: creates) the run folder and removes temp files that killed writers left there.</summary>
    /// <param name="keepCheckpoints">How many numbered checkpoints to keep (≥ 2 keeps a fallback for a torn newest one).</param>
    /// <param name="say">Where rank 0's notes (resume, fallback) go; null = nowhere.</param>
    public TrainingRun(string runDir, string kind, ICommunicator? communicator = null, int keepCheckpoints = 2, Action<string>? say = null)
    {
        if (string.IsNullOrWhiteSpace(runDir)) throw new ArgumentException("the run folder must be given (--run-dir)");
        if (keepCheckpoints < 1) throw new ArgumentException($"keep-checkpoints must be ≥ 1, got {keepCheckpoints}");
        RunDir = runDir;
        Kind = kind;
        Comm = communicator ?? LocalCommunicator.Instance;
        Reducer = new GradientAllReducer(Comm);
        _keep = keepCheckpoints;
        _say = Comm.IsRoot ? say : null;
        if (IsRoot)
        {
            Directory.CreateDirectory(runDir);
            AtomicFile.RemoveStaleTemps(runDir);
        }
        Stats = new StatsReporter(Path.Combine(runDir, StatsFile), IsRoot);
        Comm.Barrier(); // every rank sees the folder (and, on resume, the same checkpoints) from here on
    }

    public string RunDir { get; }
    public string Kind { get; }
    public ICommunicator Comm { get; }
    public GradientAllReducer Reducer { get; }
    public bool IsRoot => Comm.IsRoot;
    public int WorldSize => Comm.WorldSize;
    public StatsReporter Stats { get; }
    /// <summary>The newest checkpoint known good (written or resumed from), or null.</summary>
    public string? LastCheckpoint { get; private set; }

    public static string StatsPath(string runDir) => Path.Combine(runDir, StatsFile);
    public static string OptionsPath(string runDir) => Path.Combine(runDir, OptionsFile);

    /// <summary>Rank 0 writes options.json atomically.</summary>
    public void WriteOptions<T>(T options)
    {
        if (IsRoot) AtomicFile.WriteAllText(OptionsPath(RunDir), JsonSerializer.Serialize(options, CheckpointFile.Json));
    }

    public static T ReadOptions<T>(string runDir) where T : class
    {
        var p = OptionsPath(runDir);
        if (!File.Exists(p)) throw new FileNotFoundException($"cannot resume: '{p}' does not exist", p);
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(p), CheckpointFile.Json) ?? throw new InvalidDataException($"'{p}' is empty"); }
        catch (JsonException e) { throw new InvalidDataException($"'{p}' is not readable options JSON: {e.Message}", e); }
    }

    /// <summary>True when the folder holds a checkpoint pointer or a numbered checkpoint.</summary>
    public static bool HasCheckpoint(string runDir) =>
        Directory.Exists(runDir) && (File.Exists(Path.Combine(runDir, LatestFile)) || Numbered(runDir).Any());

    /// <summary>A checkpoint file as given, or the one a run folder's <c>latest</c> names (no fallback).</summary>
    public static string Resolve(string path)
    {
        if (File.Exists(path)) return path;
        if (!Directory.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        var latest = Path.Combine(path, LatestFile);
        if (!File.Exists(latest)) throw new FileNotFoundException($"run folder '{path}' has no '{LatestFile}' checkpoint pointer (no checkpoint written yet?)", latest);
        var name = File.ReadAllText(latest).Trim();
        var full = Path.Combine(path, name);
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || !File.Exists(full))
            throw new FileNotFoundException($"'{latest}' names '{name}', which does not exist", full);
        return full;
    }

    /// <summary>Checkpoints to try on resume, best first: the one <c>latest</c> names, then the numbered ones newest first.</summary>
    public static IReadOnlyList<string> ResumeCandidates(string runDir)
    {
        var list = new List<string>();
        try { list.Add(Resolve(runDir)); } catch (FileNotFoundException) { }
        foreach (var f in Numbered(runDir).OrderByDescending(Path.GetFileName, StringComparer.Ordinal))
            if (!list.Contains(f)) list.Add(f);
        return list;
    }

    private static IEnumerable<string> Numbered(string runDir) =>
        Directory.Exists(runDir) ? Directory.EnumerateFiles(runDir, CheckpointPrefix + "*" + CheckpointFile.Extension) : [];

    /// <summary>Opens the newest checkpoint of this run that reads (saying so when it had to fall back), or null when
    /// the folder has none. Every rank reads the same file. Stats rows after it are dropped by the caller's
    /// <see cref="StatsReporter.DropAfter"/> once the position is known.</summary>
    public CheckpointContent? OpenLatest()
    {
        var candidates = ResumeCandidates(RunDir);
        var problems = new List<string>();
        foreach (var path in candidates)
        {
            try
            {
                var content = CheckpointFile.Read(path, Kind);
                if (problems.Count > 0) _say?.Invoke($"resuming from the older checkpoint {Path.GetFileName(path)}: {string.Join("; ", problems)}");
                else _say?.Invoke($"resuming from {Path.GetFileName(path)}");
                LastCheckpoint = path;
                return content;
            }
            catch (CheckpointException e) { problems.Add(e.Message); }
        }
        if (problems.Count > 0)
            throw new CheckpointException(RunDir, $"no checkpoint of the run reads: {string.Join("; ", problems)}");
        return null;
    }

    /// <summary>Saves a checkpoint: refuses non-finite tensors (the last good checkpoint stays the newest), rank 0 writes
    /// the container and then the pointer (each atomic, fsynced) and prunes old ones; all ranks wait for it.</summary>
    public string Save<THeader>(string name, THeader header, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var list = tensors.ToList();
        using (var scope = NewDisposeScope())
            foreach (var (key, t) in list)
                if (t.is_floating_point() && !isfinite(t).all().item<bool>())
                    throw Diverged($"'{key}' became non-finite before the checkpoint {name}");
        var path = Path.Combine(RunDir, name);
        if (IsRoot)
        {
            CheckpointFile.Write(path, Kind, header, list);
            var pointer = Path.Combine(RunDir, LatestFile);
            AtomicFile.Write(pointer, s =>
            {
                s.Write(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
                s.Flush();
                FaultPoint.Hit("pointer", pointer);
            });
            Prune(name);
        }
        Comm.Barrier(); // nobody runs ahead of (or resumes before) rank 0's checkpoint
        LastCheckpoint = path;
        return path;
    }

    private void Prune(string keep)
    {
        var old = Numbered(RunDir).Select(Path.GetFileName).OfType<string>().Where(n => n != keep)
            .OrderByDescending(n => n, StringComparer.Ordinal).Skip(_keep - 1);
        foreach (var n in old)
            try { File.Delete(Path.Combine(RunDir, n)); } catch (IOException) { }
    }

    /// <summary>The one divergence error, naming the last good checkpoint.</summary>
    public TrainingDivergedException Diverged(string what) =>
        new($"training diverged: {what}. Stopped without saving these weights; " +
            (LastCheckpoint is null ? "no checkpoint had been written yet." : $"the last good checkpoint '{LastCheckpoint}' is intact.") +
            " Try a lower learning rate, gradient clipping, or a warm-up.", LastCheckpoint);

    /// <summary>Throws <see cref="Diverged"/> unless <paramref name="value"/> is finite.</summary>
    public double CheckFinite(double value, string what) => double.IsFinite(value) ? value : throw Diverged($"{what} became {value}");

    /// <summary>Averages the values over ranks in place (one small collective; a no-op on one process).</summary>
    public void MeanOverRanks(Span<double> values)
    {
        if (WorldSize == 1) return;
        Comm.AllReduceSum(values);
        for (var i = 0; i < values.Length; i++) values[i] /= WorldSize;
    }

    /// <summary>True on every rank when any rank asks to stop (Ctrl-C), so no rank leaves while its peers wait.</summary>
    public bool AnyRank(bool flag)
    {
        if (WorldSize == 1) return flag;
        Span<double> v = [flag ? 1 : 0];
        Comm.AllReduceSum(v);
        return v[0] > 0;
    }

    public void Dispose() => Stats.Dispose();
}

/// <summary>stats.jsonl through one reporter, as stylegan2-ada's training_stats: <see cref="Report"/> values during a
/// tick, <see cref="Tick"/> writes one row with their means (plus the row's own fields) and flushes. Only rank 0 writes.</summary>
public sealed class StatsReporter(string path, bool enabled) : IDisposable
{
    private readonly Dictionary<string, (double Sum, int N)> _pending = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private StreamWriter? _writer;

    public string Path { get; } = path;

    public void Report(string key, double value)
    {
        if (!_pending.TryGetValue(key, out var s)) _order.Add(key);
        _pending[key] = (s.Sum + value, s.N + 1);
    }

    /// <summary>Mean of what was reported for <paramref name="key"/> since the last tick (NaN if nothing).</summary>
    public double Mean(string key) => _pending.TryGetValue(key, out var s) && s.N > 0 ? s.Sum / s.N : double.NaN;

    /// <summary>Writes <paramref name="row"/> followed by the means of this tick's reports (rounded to
    /// <paramref name="digits"/>), flushes, and starts a new tick. Returns the row.</summary>
    public JsonObject Tick(JsonObject row, int digits = 6)
    {
        foreach (var k in _order)
            if (!row.ContainsKey(k)) row[k] = Math.Round(_pending[k].Sum / _pending[k].N, digits);
        _pending.Clear();
        _order.Clear();
        Write(row);
        return row;
    }

    /// <summary>Appends one row and flushes.</summary>
    public void Write(JsonObject row)
    {
        if (!enabled) return;
        _writer ??= new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read));
        _writer.WriteLine(row.ToJsonString(StatsJson));
        _writer.Flush();
    }

    /// <summary>On resume: drops rows after the checkpoint being resumed from (written before a kill), so no row repeats.</summary>
    public void DropAfter(string key, double limit)
    {
        if (!enabled) return;
        _writer?.Dispose();
        _writer = null;
        StatsLog.DropAfter(Path, key, limit);
    }

    private static readonly JsonSerializerOptions StatsJson = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
