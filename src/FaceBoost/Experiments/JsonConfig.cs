using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaceBoost.Experiments;

/// <summary>Configs are plain JSON over an optional base ("base": "other.json", resolved relative to
/// the file): objects merge key by key, anything else in the child replaces the base's value.
/// Every problem with a config — missing or unreadable file, bad JSON, a duplicate key, a non-string or cyclic
/// "base", a value of the wrong type — is an <see cref="InvalidDataException"/> naming the file.</summary>
public static class JsonConfig
{
    /// <summary>Largest config file read (configs are a few KB; this keeps a wrong path from reading a dataset).</summary>
    public const long MaxConfigBytes = 4 << 20;

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        AllowDuplicateProperties = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    private static readonly System.Text.Encoding StrictUtf8 = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);

    public static JsonObject LoadMerged(string path, int depth = 0)
    {
        if (path.Contains('\0')) throw new InvalidDataException($"{path.Replace('\0', '?')}: the config path contains a NUL byte");
        if (depth > 8) throw new InvalidDataException($"{path}: 'base' chain deeper than 8 (a cycle?)");
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: config not found");
        string text;
        try
        {
            if (new FileInfo(path).Length > MaxConfigBytes) throw new InvalidDataException($"{path}: config larger than {MaxConfigBytes} bytes");
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException ex) { throw new InvalidDataException($"{path}: not UTF-8 text", ex); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"{path}: cannot read the config: {ex.Message}", ex); }
        return Parse(text, path, depth);
    }

    /// <summary>Parses one config's text (its "base", if any, is loaded relative to <paramref name="path"/>).</summary>
    public static JsonObject Parse(string text, string path, int depth = 0)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(text, documentOptions: DocumentOptions); }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: not valid JSON: {OneLine(ex.Message)}", ex); }
        if (node is not JsonObject obj) throw new InvalidDataException($"{path}: the top level must be a JSON object");
        if (obj["base"] is { } baseNode)
        {
            if (baseNode is not JsonValue baseValue || !baseValue.TryGetValue<string>(out var baseName) || baseName.Length == 0)
                throw new InvalidDataException($"{path}: \"base\" must be a file name (a non-empty string), got {OneLine(baseNode.ToJsonString())}");
            if (baseName.Contains('\0')) throw new InvalidDataException($"{path}: \"base\" contains a NUL byte");
            var basePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, baseName);
            obj.Remove("base");
            var merged = LoadMerged(basePath, depth + 1);
            Merge(merged, obj);
            return merged;
        }
        return obj;
    }

    public static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
    }

    public static T Load<T>(string path)
    {
        var merged = LoadMerged(path);
        return Deserialize<T>(merged, path);
    }

    public static T Deserialize<T>(JsonObject merged, string path)
    {
        try { return merged.Deserialize<T>(Options) ?? throw new InvalidDataException($"{path}: empty config"); }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: {OneLine(ex.Message)}", ex); }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        { throw new InvalidDataException($"{path}: {OneLine(ex.Message)}", ex); }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
