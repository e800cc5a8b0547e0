namespace ChatFlows.Core.Storage;

/// <summary>One due time of a schedule trigger; the store keeps at most one row per tick.</summary>
public sealed record ScheduleTick(string WorkflowId, string TriggerId, DateTimeOffset DueAt);
