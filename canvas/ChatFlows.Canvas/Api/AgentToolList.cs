namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/agent-tools</c>: the tools an agent may be allowed to call, by name.</summary>
internal sealed record AgentToolList(IReadOnlyList<AgentToolSummary> Items);
