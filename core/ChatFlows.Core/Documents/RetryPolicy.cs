namespace ChatFlows.Core.Documents;

/// <summary>How a failed node attempt is retried: exponential backoff with jitter.</summary>
public sealed class RetryPolicy
{
    /// <summary>Attempts in total, including the first; 1 means no retry.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>ISO-8601 delay before the second attempt; default <c>PT1S</c>.</summary>
    public string? InitialDelay { get; init; }

    /// <summary>Each further delay is the previous one times this factor; default 2.</summary>
    public double? BackoffFactor { get; init; }

    /// <summary>Upper bound of one delay; default <c>PT1M</c>.</summary>
    public string? MaxDelay { get; init; }

    /// <summary>Random spread of each delay as a fraction (0.2 = ±20 %); default 0.2.</summary>
    public double? Jitter { get; init; }
}
