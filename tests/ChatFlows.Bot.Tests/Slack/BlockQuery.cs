using System.Text.Json;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>Reads Block Kit JSON in tests: blocks by type, and the texts a block shows.</summary>
internal static class BlockQuery
{
    public static JsonElement[] Blocks(JsonElement? blocks) => blocks is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray()] : [];

    public static string Type(JsonElement block) => block.GetProperty("type").GetString()!;

    public static JsonElement[] OfType(JsonElement? blocks, string type) => Blocks(blocks).Where(b => Type(b) == type).ToArray();

    /// <summary>Every text object's text inside <paramref name="element"/>, in order.</summary>
    public static IEnumerable<string> Texts(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var text in element.EnumerateArray().SelectMany(Texts)) yield return text;
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out var type) && type.GetString() is "mrkdwn" or "plain_text" && element.TryGetProperty("text", out var text))
            {
                yield return text.GetString()!;
                yield break;
            }
            foreach (var inner in element.EnumerateObject().SelectMany(p => Texts(p.Value))) yield return inner;
        }
    }

    /// <summary>All the texts of a block joined by newlines.</summary>
    public static string Text(JsonElement block) => string.Join('\n', Texts(block));
}
