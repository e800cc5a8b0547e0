namespace ChatFlows.Core.Workspaces;

/// <summary>
/// A workspace (README §Workspaces and roles): the team that owns a set of workflows, agents, connections, secrets,
/// knowledge bases and widgets, what its workflows may use, and the chat channels that see its workflows.
/// </summary>
/// <param name="Id">The id (<see cref="WorkspaceIds"/>).</param>
/// <param name="Name">The name people see.</param>
/// <param name="Policy">Which node kinds and tools its workflows and agents may use.</param>
/// <param name="Channels">Chat channels bound to it (<c>slack:C…</c>, <c>teams:&lt;conversation id&gt;</c>, <c>playground:#name</c>).</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Workspace(string Id, string Name, WorkspacePolicy Policy, IReadOnlyList<string> Channels, DateTimeOffset CreatedAt);
