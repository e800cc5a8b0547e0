namespace ChatFlows.Core.Messaging;

/// <summary>One earlier message of a chat thread, as an agent with <c>history: "thread"</c> gets it.</summary>
/// <param name="Text">What was said.</param>
/// <param name="FromBot">True for the bot's own messages (the assistant), false for people's (the user).</param>
/// <param name="User">Who said it, e.g. <c>slack:U012</c>; null for the bot.</param>
/// <param name="Id">The platform's id of the message (a Slack <c>ts</c>), to leave out the one that started the run.</param>
public sealed record ThreadMessage(string Text, bool FromBot, string? User = null, string? Id = null);
