using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// The one rate-limit and retry policy of every chat platform (Slack, Teams), with its numbers in
/// <see cref="ChatOptions"/>: a 429 is waited out for as long as the platform's Retry-After asks, however often it
/// comes; a failure on the platform's side (5xx, a timeout, no answer) is tried again after a growing backoff until
/// a total time is spent; a refusal that needs a fix (<see cref="IChatPlatformError.IsRetryable"/> false, e.g.
/// not_in_channel) is thrown at once.
/// </summary>
public sealed class ChatRetryPolicy(IOptions<ChatOptions> options, TimeProvider time)
{
    /// <summary>True when the same call may succeed later: a rate limit, a platform's own trouble, or no answer.</summary>
    public static bool IsRetryable(Exception e) => e switch
    {
        ChatRateLimitedException => true,
        IChatPlatformError error => error.IsRetryable,
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>The wait before try <paramref name="attempt"/> + 1 after <paramref name="attempt"/> failures (1-based), doubling up to the maximum.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var first = options.Value.FirstRetryBackoff;
        var max = options.Value.MaxRetryBackoff;
        var wait = first * Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        return wait > max ? max : wait;
    }

    /// <summary>The wait before trying again after <paramref name="failure"/>, the <paramref name="attempt"/>-th: Retry-After for a 429, else the backoff.</summary>
    public TimeSpan WaitAfter(Exception failure, int attempt) => failure is ChatRateLimitedException limited ? limited.RetryAfter : Backoff(attempt);

    /// <summary>
    /// Calls <paramref name="call"/> until it succeeds: 429s are waited out as asked (a wait that would end after
    /// the time left, when <paramref name="rateLimitsCount"/>, gives up), other retryable failures after the backoff
    /// while <paramref name="budget"/> lasts. The last failure is thrown.
    /// </summary>
    /// <param name="call">The call; it must be safe to repeat (nothing was posted when it failed).</param>
    /// <param name="budget">The total time retryable failures may take.</param>
    /// <param name="rateLimitsCount">False to wait out 429s however long they last (cards); true to count them in the budget (a run's messages).</param>
    /// <param name="ct">Cancels the waits and the call.</param>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan budget, bool rateLimitsCount, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + budget;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(ct);
            }
            catch (Exception e) when (IsRetryable(e) && !ct.IsCancellationRequested)
            {
                var wait = WaitAfter(e, attempt);
                var limited = e is ChatRateLimitedException;
                if ((!limited || rateLimitsCount) && time.GetUtcNow() + wait >= deadline) throw;
                await Task.Delay(wait, time, ct);
            }
        }
    }

    /// <summary>How long a message a run posts is tried (<see cref="ChatOptions.MessagePostTimeout"/>).</summary>
    public TimeSpan MessagePostTimeout => options.Value.MessagePostTimeout;

    /// <summary>How long a card is tried while the platform fails (<see cref="ChatOptions.CardPostTimeout"/>).</summary>
    public TimeSpan CardPostTimeout => options.Value.CardPostTimeout;

    /// <summary>How long a card another instance attempted is left to it (<see cref="ChatOptions.CardTakeoverAfter"/>).</summary>
    public TimeSpan CardTakeoverAfter => options.Value.CardTakeoverAfter;
}
