namespace ChatFlows.Bot.Chat;

/// <summary>An error a chat platform answered with, and whether trying again can help (a timeout can; channel_not_found cannot).</summary>
public interface IChatPlatformError
{
    /// <summary>True when the same call may succeed later.</summary>
    bool IsRetryable { get; }
}
