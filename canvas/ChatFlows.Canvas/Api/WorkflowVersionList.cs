namespace ChatFlows.Canvas.Api;

/// <summary>The answer of <c>GET /api/workflows/{id}/versions</c>: every saved version, newest first.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="Current">The version the workflow is at now; null when it was deleted (its history stays readable and restorable).</param>
/// <param name="Items">The versions, newest first.</param>
public sealed record WorkflowVersionList(string WorkflowId, int? Current, IReadOnlyList<WorkflowVersionSummary> Items);
