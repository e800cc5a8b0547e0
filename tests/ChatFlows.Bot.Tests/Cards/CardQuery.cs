using System.Text.Json;

namespace ChatFlows.Bot.Tests.Cards;

/// <summary>Reads a rendered card's JSON the way a host walks it: elements, texts, facts and actions.</summary>
internal static class CardQuery
{
    /// <summary>Every element of the body, depth first, including those inside containers and columns.</summary>
    public static IEnumerable<JsonElement> Elements(JsonElement card) => Walk(card.GetProperty("body"));

    public static IEnumerable<JsonElement> OfType(JsonElement card, string type) =>
        Elements(card).Where(e => e.GetProperty("type").GetString() == type);

    public static IEnumerable<string> Texts(JsonElement element) =>
        (element.TryGetProperty("body", out var body) ? Walk(body) : Walk(element, self: true))
            .Where(e => e.GetProperty("type").GetString() == "TextBlock")
            .Select(e => e.GetProperty("text").GetString()!);

    public static TextBlockView Text(JsonElement card, string text) =>
        new(OfType(card, "TextBlock").Single(e => e.GetProperty("text").GetString() == text));

    public static Dictionary<string, string> Facts(JsonElement card) =>
        OfType(card, "FactSet").SelectMany(f => f.GetProperty("facts").EnumerateArray())
            .ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString()!);

    public static JsonElement[] Actions(JsonElement card) =>
        card.TryGetProperty("actions", out var actions) ? [.. actions.EnumerateArray()] : [];

    public static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() : null;

    public static bool Flag(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.GetBoolean();

    /// <summary>The paths of every null and every empty list in <paramref name="json"/>: hosts reject some, and none carries meaning.</summary>
    public static IEnumerable<string> NullsAndEmptyLists(JsonElement json, string path = "$")
    {
        if (json.ValueKind == JsonValueKind.Null || json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 0) return [path];
        if (json.ValueKind == JsonValueKind.Array) return json.EnumerateArray().SelectMany((item, i) => NullsAndEmptyLists(item, $"{path}[{i}]"));
        if (json.ValueKind == JsonValueKind.Object) return json.EnumerateObject().SelectMany(p => NullsAndEmptyLists(p.Value, $"{path}.{p.Name}"));
        return [];
    }

    private static IEnumerable<JsonElement> Walk(JsonElement element, bool self = false)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                foreach (var inner in Walk(item, self: true))
                    yield return inner;
            yield break;
        }

        if (self && element.TryGetProperty("type", out var type) && type.GetString() != "Column") yield return element;
        foreach (var children in (string[])["items", "columns"])
        {
            if (!element.TryGetProperty(children, out var list)) continue;
            foreach (var inner in Walk(list))
                yield return inner;
        }
    }
}
