using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// ChatFlows has no way to reach a Teams conversation: no conversation reference is stored for it (the bot was never
/// added there, or never heard from it), or the bot was removed. Trying again cannot help.
/// </summary>
public sealed class TeamsConversationNotFoundException(string message) : Exception(message), IChatPlatformError
{
    /// <inheritdoc />
    public bool IsRetryable => false;
}
