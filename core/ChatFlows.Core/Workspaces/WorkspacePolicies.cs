using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Checks workflows and agents against the policy of their workspace (README §Workspaces and roles) with what the
/// host knows: the workspaces, the other workflows (sub-workflows and workflow tools of other workspaces), the agents
/// agent nodes use and the connections' BaseUrls.
/// </summary>
public sealed class WorkspacePolicies(
    IWorkspaceStore workspaces, IWorkflowStore workflows, IAgentStore agents, NodeRegistry registry, ConnectionRegistry? connections = null)
{
    /// <summary>The policy of <paramref name="workspace"/>; everything is allowed in a workspace that does not exist (the path's check answers for it).</summary>
    public async Task<WorkspacePolicy> PolicyOfAsync(string workspace, CancellationToken ct = default) =>
        (await workspaces.GetAsync(workspace, ct))?.Policy ?? WorkspacePolicy.Open;

    /// <summary>Every use in <paramref name="document"/> that the policy of <paramref name="workspace"/> refuses, with its path and the rule.</summary>
    public async Task<IReadOnlyList<ValidationProblem>> CheckWorkflowAsync(WorkflowDocument document, string workspace, CancellationToken ct = default)
    {
        var policy = await PolicyOfAsync(workspace, ct);
        if (policy == WorkspacePolicy.Open) return [];
        var owners = await OwnersAsync(ct);
        var used = new Dictionary<string, AgentDefinition?>(StringComparer.Ordinal);
        foreach (var node in document.Nodes.Where(n => n.Type == NodeTypes.Agent))
        {
            if (node.Config["agent"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var id) && !used.ContainsKey(id))
            {
                used[id] = await agents.GetAsync(id, ct);
            }
        }
        return WorkspaceRules.Check(
            document, workspace, policy, registry, owners.GetValueOrDefault, id => used.GetValueOrDefault(id), name => connections?.Find(workspace, name)?.Setting("BaseUrl"));
    }

    /// <summary>Every tool, MCP server and connection of <paramref name="agent"/> that the policy of <paramref name="workspace"/> refuses.</summary>
    public async Task<IReadOnlyList<ValidationProblem>> CheckAgentAsync(AgentDefinition agent, string workspace, CancellationToken ct = default)
    {
        var policy = await PolicyOfAsync(workspace, ct);
        if (policy == WorkspacePolicy.Open) return [];
        var owners = await OwnersAsync(ct);
        return WorkspaceRules.CheckAgent(agent, workspace, policy, owners.GetValueOrDefault);
    }

    private async Task<Dictionary<string, string>> OwnersAsync(CancellationToken ct) =>
        (await workflows.ListAsync(ct)).ToDictionary(w => w.Document.Id, w => w.Document.Workspace, StringComparer.Ordinal);
}
