using System.Diagnostics.CodeAnalysis;
using ChatFlows.Core.Nodes;
using Cronos;

namespace ChatFlows.Core.Scheduling;

/// <summary>
/// A cron expression read in a time zone: the fire times of a <c>trigger/schedule</c>. Times come back in the
/// zone's offset at that instant (so "09:00" stays 09:00 across daylight saving time); compare them as instants.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string cron, CronExpression expression, TimeZoneInfo zone)
    {
        Cron = cron;
        _expression = expression;
        TimeZone = zone;
    }

    /// <summary>The expression as written.</summary>
    public string Cron { get; }

    /// <summary>The zone the expression is read in; UTC unless one was named.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>
    /// Parses a cron expression (five fields, or six with seconds first) and an IANA time zone (null or empty for
    /// UTC); <paramref name="error"/> says what is wrong otherwise.
    /// </summary>
    public static bool TryParse(string cron, string? timeZone, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = null;
        var expression = TriggerNodes.ParseCron(cron, out error);
        if (expression is null)
        {
            error ??= $"'{cron}' is not a valid cron expression.";
            return false;
        }
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrEmpty(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
        {
            error = $"'{timeZone}' is not a known IANA time zone (like Europe/Berlin or UTC).";
            return false;
        }
        schedule = new CronSchedule(cron, expression, zone);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static CronSchedule Parse(string cron, string? timeZone = null) =>
        TryParse(cron, timeZone, out var schedule, out var error) ? schedule : throw new FormatException(error);

    /// <summary>The next <paramref name="count"/> fire times of a cron expression in a zone after <paramref name="after"/>, as the canvas shows them.</summary>
    public static IReadOnlyList<DateTimeOffset> NextFireTimes(string cron, string? timeZone, DateTimeOffset after, int count = 3) =>
        Parse(cron, timeZone).Next(after, count);

    /// <summary>The first fire time strictly after <paramref name="after"/>; null when there is none (like 30 February).</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, TimeZone);

    /// <summary>Up to <paramref name="count"/> fire times strictly after <paramref name="after"/>, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var times = new List<DateTimeOffset>(Math.Max(count, 0));
        var from = after;
        while (times.Count < count && Next(from) is { } next)
        {
            times.Add(next);
            from = next;
        }
        return times;
    }

    /// <summary>The latest fire time at or before <paramref name="atOrBefore"/>; null when there is none.</summary>
    public DateTimeOffset? Latest(DateTimeOffset atOrBefore) => _expression.GetPreviousOccurrence(atOrBefore, TimeZone, inclusive: true);

    /// <summary>True when both read the same expression in the same zone, so they fire at the same times.</summary>
    public bool SameTimesAs(CronSchedule other) =>
        _expression.Equals(other._expression) && TimeZone.Id == other.TimeZone.Id;
}
