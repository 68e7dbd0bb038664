using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaceBoost.Experiments;

/// <summary>Configs are plain JSON over an optional base ("base": "other.json", resolved relative to
/// the file): objects merge key by key, anything else in the child replaces the base's value.</summary>
public static class JsonConfig
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static JsonObject LoadMerged(string path, int depth = 0)
    {
        if (depth > 8) throw new InvalidDataException($"{path}: 'base' chain deeper than 8 (a cycle?)");
        if (!File.Exists(path)) throw new FileNotFoundException($"config not found: {path}", path);
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: not valid JSON: {ex.Message}", ex); }
        if (node is not JsonObject obj) throw new InvalidDataException($"{path}: the top level must be a JSON object");
        if (obj["base"] is JsonValue baseValue)
        {
            var basePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, baseValue.GetValue<string>());
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
        try { return merged.Deserialize<T>(Options) ?? throw new InvalidDataException($"{path}: empty config"); }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: {ex.Message}", ex); }
    }
}
