namespace ChatFlows.Bot.Chat;

/// <summary>Where a chat command was typed and by whom.</summary>
/// <param name="User">Who typed it, as approvers are written: <c>playground:ada</c>, <c>slack:U012</c>, <c>teams:&lt;AAD id&gt;</c>.</param>
/// <param name="Channel">The channel it was typed in, e.g. <c>playground:general</c>.</param>
/// <param name="Thread">The thread it was typed in, when it was typed in one; the progress card goes there.</param>
public sealed record ChatCommandContext(string User, string Channel, string? Thread = null);
