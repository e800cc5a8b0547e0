using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Playground;

/// <summary>The answer to a person's message: the message as stored, and what ChatFlows tells only them (for a command).</summary>
public sealed record PlaygroundPosted(PlaygroundMessage Message, ChatReply? Reply);
