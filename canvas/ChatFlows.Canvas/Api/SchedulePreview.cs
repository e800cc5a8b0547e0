namespace ChatFlows.Canvas.Api;

/// <summary>The next fire times of a cron expression in a zone, in that zone's offset; fewer when it rarely fires.</summary>
internal sealed record SchedulePreview(string Cron, string TimeZone, IReadOnlyList<DateTimeOffset> Next);
