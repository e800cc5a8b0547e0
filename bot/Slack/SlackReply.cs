using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Slack;

/// <summary>An immediate answer to a slash command (Slack shows an <c>ephemeral</c> one only to the person who typed it).</summary>
public sealed record SlackReply(
    [property: JsonPropertyName("response_type")] string ResponseType,
    [property: JsonPropertyName("text")] string Text);
