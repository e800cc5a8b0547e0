namespace ChatFlows.Core.Scheduling;

/// <summary>A schedule trigger as the <see cref="Scheduler"/> currently follows it.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="TriggerId">The <c>trigger/schedule</c> node.</param>
/// <param name="WorkflowVersion">The workflow version the schedule was read from.</param>
/// <param name="Schedule">The cron expression and time zone.</param>
/// <param name="NextFireAt">The next due time; null when the expression never fires again.</param>
public sealed record ScheduledTrigger(string WorkflowId, string TriggerId, int WorkflowVersion, CronSchedule Schedule, DateTimeOffset? NextFireAt);
