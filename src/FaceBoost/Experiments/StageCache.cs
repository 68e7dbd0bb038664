using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceBoost.Runtime;

namespace FaceBoost.Experiments;

/// <summary>Content-addressed stage folders: a stage's folder name is a hash of everything it depends
/// on (its options and the keys of the stages it consumes), so a changed option re-runs only what
/// depends on it, and an interrupted experiment resumes from the stages marked done.</summary>
/// <param name="stagesDir">The cache folder itself (an experiment's workDir/stages unless its config says otherwise).</param>
public sealed class StageCache(string stagesDir)
{
    public string Root { get; } = Path.GetFullPath(stagesDir);

    public Stage Get(string kind, object key)
    {
        var json = JsonSerializer.Serialize(key, JsonConfig.Options);
        var hash = Hash(json);
        var dir = Path.Combine(Root, $"{kind}-{hash}");
        Directory.CreateDirectory(dir);
        var keyFile = Path.Combine(dir, "key.json");
        if (!File.Exists(keyFile)) AtomicFile.WriteAllText(keyFile, json);
        return new Stage(kind, hash, dir);
    }

    public static string Hash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12].ToLowerInvariant();

    /// <summary>A cheap fingerprint of a folder or file: relative paths, sizes and modification times.</summary>
    public static string Fingerprint(string path)
    {
        var sb = new StringBuilder();
        if (File.Exists(path))
        {
            var fi = new FileInfo(path);
            sb.Append(fi.Name).Append('|').Append(fi.Length).Append('|').Append(fi.LastWriteTimeUtc.Ticks);
        }
        else if (Directory.Exists(path))
        {
            foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var fi = new FileInfo(f);
                sb.Append(Path.GetRelativePath(path, f)).Append('|').Append(fi.Length).Append('|').Append(fi.LastWriteTimeUtc.Ticks).Append('\n');
            }
        }
        else throw new FileNotFoundException($"data path not found: {path}", path);
        return Hash(sb.ToString());
    }
}

public sealed record Stage(string Kind, string Hash, string Dir)
{
    private string DoneFile => Path.Combine(Dir, "done.json");
    public bool IsDone => File.Exists(DoneFile);

    public void MarkDone<T>(T result) => AtomicFile.WriteAllText(DoneFile, JsonSerializer.Serialize(result, JsonConfig.Options));

    public T ReadResult<T>() =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(DoneFile), JsonConfig.Options)
        ?? throw new InvalidDataException($"{DoneFile}: empty stage result");

    public string PathOf(string name) => System.IO.Path.Combine(Dir, name);
}
