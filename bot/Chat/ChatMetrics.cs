using System.Diagnostics.Metrics;
using ChatFlows.Core.Telemetry;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Chat platform metrics on the ChatFlows meter (README §Telemetry): every message, card post and card update sent to
/// Slack, Teams or the Playground by outcome (<c>chatflows.chat.deliveries</c>), and every HTTP 429 the platforms answer
/// (<c>chatflows.chat.throttled</c>), including those a retry then waits out.
/// </summary>
public static class ChatMetrics
{
    /// <summary>The attribute naming the platform: <c>slack</c>, <c>teams</c> or <c>playground</c>.</summary>
    public const string Platform = "chatflows.chat.platform";

    /// <summary>The attribute holding a delivery's outcome: <c>delivered</c>, <c>failed</c> or <c>throttled</c> (to be tried again).</summary>
    public const string Outcome = "chatflows.chat.outcome";

    /// <summary>The attribute naming the platform call that was throttled, e.g. <c>chat.postMessage</c> or <c>POST activities</c>.</summary>
    public const string Method = "chatflows.chat.method";

    private static readonly Counter<long> Deliveries = ChatFlowsTelemetry.Meter.CreateCounter<long>(
        "chatflows.chat.deliveries", "{delivery}", "Messages, card posts and card updates sent to chat platforms, by outcome.");

    private static readonly Counter<long> Throttled = ChatFlowsTelemetry.Meter.CreateCounter<long>(
        "chatflows.chat.throttled", "{response}", "HTTP 429 answers from chat platforms, by call.");

    /// <summary>Counts <paramref name="delivery"/> by how it ends; a cancelled one is not counted.</summary>
    public static async Task<T> DeliverAsync<T>(string platform, Task<T> delivery)
    {
        try
        {
            var result = await delivery;
            Count(platform, "delivered");
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Count(platform, IsThrottled(e) ? "throttled" : "failed");
            throw;
        }
    }

    /// <inheritdoc cref="DeliverAsync{T}(string, Task{T})" />
    public static async Task DeliverAsync(string platform, Task delivery)
    {
        try
        {
            await delivery;
            Count(platform, "delivered");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Count(platform, IsThrottled(e) ? "throttled" : "failed");
            throw;
        }
    }

    /// <summary>Counts a 429 from <paramref name="platform"/> for <paramref name="method"/> (a bounded name, never an id).</summary>
    public static void CountThrottled(string platform, string method)
    {
        if (!Throttled.Enabled) return;
        Throttled.Add(1, new KeyValuePair<string, object?>(Platform, platform), new KeyValuePair<string, object?>(Method, method));
    }

    private static void Count(string platform, string outcome)
    {
        if (!Deliveries.Enabled) return;
        Deliveries.Add(1, new KeyValuePair<string, object?>(Platform, platform), new KeyValuePair<string, object?>(Outcome, outcome));
    }

    // A message a node posts turns a 429 it could not wait out into a NodeException around it.
    private static bool IsThrottled(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is ChatRateLimitedException) return true;
        }
        return false;
    }
}
