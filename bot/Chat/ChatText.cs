using System.Globalization;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>Numbers, times, durations and states as every chat card and reply writes them, whatever the server's culture.</summary>
public static class ChatText
{
    /// <summary>A duration as a person reads it: <c>350 ms</c>, <c>1.2 s</c>, <c>3 min 4 s</c>, <c>2 h 5 min</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
        var invariant = CultureInfo.InvariantCulture;
        if (duration < TimeSpan.FromSeconds(1)) return string.Create(invariant, $"{(int)duration.TotalMilliseconds} ms");
        // Truncated rather than rounded, so 59.96 s never reads "60.0 s".
        if (duration < TimeSpan.FromMinutes(1)) return string.Create(invariant, $"{Math.Floor(duration.TotalSeconds * 10) / 10:0.0} s");
        if (duration < TimeSpan.FromHours(1)) return string.Create(invariant, $"{duration.Minutes} min {duration.Seconds} s");
        return string.Create(invariant, $"{(int)duration.TotalHours} h {duration.Minutes} min");
    }

    /// <summary>A moment in UTC to the minute, e.g. <c>2026-11-24 09:14 UTC</c>.</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, e.g. <c>12,345</c>.</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A model cost in US dollars, down to the hundred-thousandth a cheap call costs, e.g. <c>$0.0123</c>.</summary>
    public static string Cost(decimal cost) => "$" + cost.ToString("0.00####", CultureInfo.InvariantCulture);

    /// <summary>The run's status with its mark, e.g. <c>✅ succeeded</c>.</summary>
    public static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Queued => "queued",
        RunStatus.Running => "▶ running",
        RunStatus.Waiting => "⏸ waiting",
        RunStatus.Succeeded => "✅ succeeded",
        RunStatus.Failed => "❌ failed",
        RunStatus.Cancelled => "⏹ cancelled",
        RunStatus.Expired => "⌛ expired",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>A step's state mark, e.g. <c>✓</c> for succeeded.</summary>
    public static string Mark(NodeStatus status) => status switch
    {
        NodeStatus.Pending => "○",
        NodeStatus.Running => "◐",
        NodeStatus.Waiting => "⏸",
        NodeStatus.Succeeded => "✓",
        NodeStatus.Failed => "✗",
        NodeStatus.Skipped => "–",
        _ => "?",
    };
}
