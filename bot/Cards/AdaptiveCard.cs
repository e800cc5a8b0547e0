using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>An Adaptive Card (schema 1.5), as Teams and the Playground render it.</summary>
public sealed class AdaptiveCard
{
    public const string SchemaUri = "http://adaptivecards.io/schemas/adaptive-card.json";

    public const string SchemaVersion = "1.5";

    public string Type => "AdaptiveCard";

    [JsonPropertyName("$schema")]
    public string Schema => SchemaUri;

    public string Version => SchemaVersion;

    public IList<CardElement> Body { get; init; } = [];

    /// <summary>Buttons at the card's foot.</summary>
    public IList<CardAction> Actions { get; init; } = [];

    /// <summary>Fetches a view of the card for the person looking at it (Teams); null for a card that is the same for everyone.</summary>
    public CardRefresh? Refresh { get; init; }

    /// <summary>Plain text for hosts that cannot render the card, and for notifications.</summary>
    public string? FallbackText { get; init; }

    /// <summary>The card as JSON, as the Playground's renderer and Teams take it.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, CardJson.Options);

    /// <summary>The card as compact JSON text.</summary>
    public string ToJsonString() => JsonSerializer.Serialize(this, CardJson.Options);
}
