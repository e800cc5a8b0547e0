using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Running;

/// <summary>
/// What a saved workflow needs before it can run (README §Workflows that need set-up): an agent that does not exist or
/// has no model profile, a <c>{{ secrets.NAME }}</c> that is not set, a connection that is missing or does not allow
/// the workflow. Each need has the field's path and a sentence saying what to set and where. The checks are the ones
/// the run itself makes (connections as validation checks them, models as the agent runner resolves them).
/// </summary>
public sealed class WorkflowSetup(WorkflowEngine engine, IAgentStore agents, ModelProfiles profiles, SecretVault secrets)
{
    /// <summary>Every need of <paramref name="document"/>, in node order; empty when it is ready to run.</summary>
    public async Task<IReadOnlyList<ValidationProblem>> NeedsAsync(WorkflowDocument document, CancellationToken ct = default)
    {
        var needs = new List<ValidationProblem>();
        // Connections: the validator's own check (NodeSetup.Connection), which knows each field's connection type.
        var connectionProblems = engine.Validate(document).Where(p => p.Path.EndsWith("/config/connection", StringComparison.Ordinal)).ToList();
        foreach (var node in document.Nodes)
        {
            var path = $"nodes/{node.Id}";
            needs.AddRange(connectionProblems.Where(p => p.Path.StartsWith(path + "/", StringComparison.Ordinal)));
            if (node.Type == NodeTypes.Agent && node.Config["agent"] is JsonValue value && value.GetValueKind() == JsonValueKind.String
                && await AgentNeedAsync(value.GetValue<string>(), document.Workspace, ct) is { } agentNeed)
            {
                needs.Add(new($"{path}/config/agent", agentNeed));
            }
            foreach (var (field, name) in node.ConfigStrings().SelectMany(s => SecretReferences.Names(s.Text).Select(name => (s.Field, name))))
            {
                if (secrets.TryGet(document.Workspace, name, out var secret) && secret.Length > 0) continue;
                needs.Add(new($"{path}/config/{field}", document.Workspace == Workspaces.WorkspaceIds.Default
                    ? $"Secret '{name}' is not set; add it in the dashboard (Secrets), with PUT /api/secrets/{name} or under the configuration key ChatFlows:Secrets:{name}."
                    : $"Secret '{name}' is not set; add it in the dashboard (Secrets) or with PUT /api/w/{document.Workspace}/secrets/{name}."));
            }
        }
        return needs;
    }

    private async Task<string?> AgentNeedAsync(string agentId, string workspace, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(agentId)) return null;
        // An agent of another workspace is as absent as one that does not exist (README §Workspaces and roles).
        var agent = await agents.GetAsync(agentId, ct);
        if (agent is null || agent.Workspace != workspace)
        {
            return $"Agent '{agentId}' does not exist; create it in the dashboard (Agents) or with POST {(workspace == Workspaces.WorkspaceIds.Default ? "/api" : $"/api/w/{workspace}")}/agents.";
        }
        return profiles.TryResolve(agent, out _, out var error) ? null : error;
    }
}
