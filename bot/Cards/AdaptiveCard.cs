using System.Text.Json;

namespace ChatFlows.Bot.Cards;

/// <summary>An Adaptive Card (schema 1.5). Placeholder until the typed element model lands.</summary>
public sealed class AdaptiveCard
{
    public List<object> Body { get; init; } = [];

    /// <summary>The card as JSON, as the Playground's renderer and Teams take it.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(new
    {
        type = "AdaptiveCard",
        version = "1.5",
        body = Body,
    });
}
