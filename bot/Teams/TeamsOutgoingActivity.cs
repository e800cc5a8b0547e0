using System.Text.Json;

namespace ChatFlows.Bot.Teams;

/// <summary>A message activity the bot sends to (or updates in) a conversation through the Connector.</summary>
public sealed record TeamsOutgoingActivity
{
    public string Type { get; init; } = TeamsActivity.Message;

    /// <summary>The activity's id: set when it replaces one already posted.</summary>
    public string? Id { get; init; }

    public string? Text { get; init; }

    /// <summary><c>markdown</c> for text written with Markdown.</summary>
    public string? TextFormat { get; init; }

    public IReadOnlyList<TeamsAttachment>? Attachments { get; init; }

    /// <summary>The activity this one answers; with it a reply lands in the same thread.</summary>
    public string? ReplyToId { get; init; }

    /// <summary>A message of Markdown text.</summary>
    public static TeamsOutgoingActivity Markdown(string text) => new() { Text = TeamsText.Markdown(text), TextFormat = "markdown" };

    /// <summary>
    /// A message holding one Adaptive Card and no text: Teams would show text beside the card; notifications and the chat
    /// list use the card's <c>fallbackText</c> instead.
    /// </summary>
    public static TeamsOutgoingActivity Card(JsonElement card) => new() { Attachments = [TeamsAttachment.AdaptiveCard(card)] };
}
