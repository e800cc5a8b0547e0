using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Core.Secrets;

/// <summary>
/// Replaces the values of secrets a run has read with <c>[secret NAME]</c> in whatever the run records (outputs,
/// errors, tool calls), so that secrets never reach the journal, events, logs or the API.
/// </summary>
public static class SecretRedactor
{
    /// <summary>
    /// The shortest value that is redacted. A shorter one would cut up every text and property name it occurs in (a
    /// secret "a" turned <c>approvers</c> into <c>[secret X]pprovers</c>), and is guessed anyway; the secrets API refuses
    /// to store one (README §Secrets).
    /// </summary>
    public const int MinimumLength = 4;

    /// <summary>The text with every used secret's value replaced.</summary>
    public static string Redact(string text, IReadOnlyList<KeyValuePair<string, string>> secrets)
    {
        foreach (var (name, value) in secrets)
        {
            if (value.Length >= MinimumLength && text.Contains(value, StringComparison.Ordinal)) text = text.Replace(value, $"[secret {name}]", StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>The value with every string that holds a used secret rewritten; the same value when none does.</summary>
    public static JsonElement Redact(JsonElement value, IReadOnlyList<KeyValuePair<string, string>> secrets)
    {
        if (!Contains(value, secrets)) return value;
        var node = JsonNode.Parse(value.GetRawText());
        node = RedactNode(node, secrets);
        return JsonSerializer.SerializeToElement(node);
    }

    private static bool Contains(JsonElement value, IReadOnlyList<KeyValuePair<string, string>> secrets)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                return secrets.Any(s => s.Value.Length >= MinimumLength && text.Contains(s.Value, StringComparison.Ordinal));
            case JsonValueKind.Array:
                return value.EnumerateArray().Any(item => Contains(item, secrets));
            case JsonValueKind.Object:
                return value.EnumerateObject().Any(p => Contains(p.Value, secrets) || secrets.Any(s => s.Value.Length >= MinimumLength && p.Name.Contains(s.Value, StringComparison.Ordinal)));
            default:
                return false;
        }
    }

    private static JsonNode? RedactNode(JsonNode? node, IReadOnlyList<KeyValuePair<string, string>> secrets)
    {
        switch (node)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(Redact(v.GetValue<string>(), secrets));
            case JsonArray array:
                var items = array.Select(item => RedactNode(item?.DeepClone(), secrets)).ToArray();
                return new JsonArray(items);
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, item) in obj) result[Redact(key, secrets)] = RedactNode(item?.DeepClone(), secrets);
                return result;
            default:
                return node?.DeepClone();
        }
    }
}
