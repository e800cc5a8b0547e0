using System.Text.Json;

namespace ChatFlows.Bot.Playground;

/// <summary>One message in a Playground channel or thread, as the page shows it.</summary>
/// <param name="Id">Its id; a thread is named after the id of its root message.</param>
/// <param name="Channel">The channel's name, e.g. <c>general</c>.</param>
/// <param name="ThreadId">The root message of the thread it replies in; null for a message in the channel.</param>
/// <param name="Author">A person's display name, or <see cref="PlaygroundChannel.BotAuthor"/>.</param>
/// <param name="FromBot">True for what runs post: cards, answers, outputs.</param>
/// <param name="Text">Markdown-ish text, if any.</param>
/// <param name="Card">An Adaptive Card, if any.</param>
/// <param name="RunId">The run that posted it, if a run did.</param>
/// <param name="ReplyCount">How many replies its thread has (always 0 for a reply).</param>
/// <param name="CreatedAt">When it was posted.</param>
/// <param name="UpdatedAt">When its text or card last changed.</param>
public sealed record PlaygroundMessage(
    long Id,
    string Channel,
    long? ThreadId,
    string Author,
    bool FromBot,
    string? Text,
    JsonElement? Card,
    string? RunId,
    int ReplyCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
