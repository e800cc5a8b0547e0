namespace ChatFlows.Core.Scheduling;

/// <summary>How the <see cref="Scheduler"/> follows workflows (<c>ChatFlows:Schedules</c>).</summary>
public sealed class SchedulerOptions
{
    /// <summary>
    /// How often every workflow is read again. Edits made through this instance take effect at once; this is how
    /// edits and deletions made on other instances are seen.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
