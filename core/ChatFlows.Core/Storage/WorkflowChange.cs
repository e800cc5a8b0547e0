namespace ChatFlows.Core.Storage;

/// <summary>A workflow was created, saved or deleted; schedules and caches follow it without a restart.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="Version">The new version, or null when it was deleted.</param>
public sealed record WorkflowChange(string WorkflowId, int? Version);
