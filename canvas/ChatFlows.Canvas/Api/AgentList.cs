using ChatFlows.Core.Agents;

namespace ChatFlows.Canvas.Api;

/// <summary><c>GET /api/agents</c>: every agent, by id.</summary>
internal sealed record AgentList(IReadOnlyList<AgentDefinition> Items);
