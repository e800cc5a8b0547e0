namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/workflows</c>: <c>{ "items": [...] }</c>, by id.</summary>
internal sealed record WorkflowList(IReadOnlyList<WorkflowSummary> Items);
