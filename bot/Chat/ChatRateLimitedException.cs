namespace ChatFlows.Bot.Chat;

/// <summary>A chat platform asked to wait before the next call (HTTP 429 with Retry-After); the update is delayed, not dropped.</summary>
public sealed class ChatRateLimitedException(TimeSpan retryAfter, string message) : Exception(message)
{
    /// <summary>How long the platform asked to wait.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
