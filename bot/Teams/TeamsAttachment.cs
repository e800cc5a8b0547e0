using System.Text.Json;

namespace ChatFlows.Bot.Teams;

/// <summary>An attachment of an outgoing activity; ChatFlows sends Adaptive Cards.</summary>
/// <param name="ContentType"><c>application/vnd.microsoft.card.adaptive</c> for an Adaptive Card.</param>
/// <param name="Content">The card's JSON.</param>
public sealed record TeamsAttachment(string ContentType, JsonElement Content)
{
    /// <summary>The content type of Adaptive Cards, in attachments and in invoke responses.</summary>
    public const string AdaptiveCardType = "application/vnd.microsoft.card.adaptive";

    /// <summary>An Adaptive Card attachment.</summary>
    public static TeamsAttachment AdaptiveCard(JsonElement card) => new(AdaptiveCardType, card);
}
