namespace ChatFlows.Core.Audit;

/// <summary>How long the audit log keeps its entries (<c>ChatFlows:Audit</c>, README §Audit log).</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ChatFlows:Audit";

    /// <summary>
    /// Entries older than this are pruned; at least as long as <c>ChatFlows:Runs:RetainFor</c>, so the log outlives
    /// the runs it tells of. Zero keeps entries forever.
    /// </summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How often old entries are pruned.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}
