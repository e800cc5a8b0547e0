using System.Text.Json;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// A message activity the bot sends to (or updates in) a conversation through the Connector. <see cref="TeamsConnector"/>
/// addresses it (<see cref="ChannelId"/>, <see cref="From"/>, <see cref="Conversation"/>) as the Bot Framework Activity
/// schema asks of activities a bot generates
/// (https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md):
/// <c>type</c> (A2010), <c>channelId</c> (A2020) and <c>conversation.id</c> (A2080) are required, <c>from.id</c> is
/// expected (A2061); <c>from.name</c> (A2063), <c>recipient</c> (A2071), <c>conversation.isGroup</c> and
/// <c>conversationType</c> (A2083) are left out, as bots should not send them, and so is <c>id</c> (A2031) except on
/// an update, where the Connector's update call names the activity it replaces.
/// </summary>
public sealed record TeamsOutgoingActivity
{
    public string Type { get; init; } = TeamsActivity.Message;

    /// <summary>The Bot Framework channel of the conversation: <c>msteams</c> (or <c>emulator</c>).</summary>
    public string? ChannelId { get; init; }

    /// <summary>The bot, by its id in the conversation (<c>28:&lt;app id&gt;</c>).</summary>
    public TeamsAccount? From { get; init; }

    /// <summary>The conversation posted to, by its id (with <c>;messageid=</c> for a channel thread).</summary>
    public TeamsConversationAccount? Conversation { get; init; }

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
