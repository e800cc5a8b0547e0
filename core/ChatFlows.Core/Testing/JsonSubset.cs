using System.Text.Json;

namespace ChatFlows.Core.Testing;

/// <summary>
/// Compares an expected JSON value with an actual one as workflow tests do: an object matches when every property it
/// names matches (a subset, so a test names only what it cares about); arrays match item by item; numbers by value.
/// </summary>
public static class JsonSubset
{
    private const int ShownLength = 120;
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Adds a sentence to <paramref name="mismatches"/> for each difference, at its dotted path.</summary>
    public static void Compare(JsonElement expected, JsonElement? actual, string path, List<string> mismatches)
    {
        if (actual is not { } value || value.ValueKind == JsonValueKind.Undefined)
        {
            mismatches.Add($"{path}: expected {Show(expected)}, got nothing");
            return;
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object when value.ValueKind == JsonValueKind.Object:
                foreach (var property in expected.EnumerateObject())
                {
                    Compare(property.Value, value.TryGetProperty(property.Name, out var child) ? child : null, $"{path}.{property.Name}", mismatches);
                }
                return;
            case JsonValueKind.Array when value.ValueKind == JsonValueKind.Array:
                var expectedLength = expected.GetArrayLength();
                var actualLength = value.GetArrayLength();
                if (expectedLength != actualLength)
                {
                    mismatches.Add($"{path}: expected {expectedLength} item{(expectedLength == 1 ? "" : "s")}, got {actualLength}: {Show(value)}");
                    return;
                }
                for (var i = 0; i < expectedLength; i++) Compare(expected[i], value[i], $"{path}[{i}]", mismatches);
                return;
            case JsonValueKind.Number when value.ValueKind == JsonValueKind.Number:
                if (SameNumber(expected, value)) return;
                break;
            default:
                if (JsonElement.DeepEquals(expected, value)) return;
                break;
        }
        mismatches.Add($"{path}: expected {Show(expected)}, got {Show(value)}");
    }

    private static bool SameNumber(JsonElement a, JsonElement b) =>
        a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x == y : a.GetDouble().Equals(b.GetDouble());

    /// <summary>A value as compact JSON, shortened when long.</summary>
    public static string Show(JsonElement value)
    {
        var text = JsonSerializer.Serialize(value, Compact);
        return text.Length <= ShownLength ? text : text[..(ShownLength - 1)] + "…";
    }
}
