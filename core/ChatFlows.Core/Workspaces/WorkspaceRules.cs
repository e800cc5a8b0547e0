using System.Text.Json.Nodes;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Mcp;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Workspaces;

/// <summary>
/// The tool permissions of a workspace (README §Workspaces and roles) applied to a workflow or an agent: every use its
/// <see cref="WorkspacePolicy"/> does not allow is a problem with the path of the field and the rule that refuses it.
/// Pure: the caller passes what it knows of other workflows, agents and connections.
/// </summary>
public static class WorkspaceRules
{
    /// <summary>True when <paramref name="host"/> is allowed by <paramref name="hosts"/>: exactly, or under a <c>*.suffix</c> entry; null allows every host.</summary>
    public static bool HostAllowed(IReadOnlyList<string>? hosts, string host) =>
        hosts is null || hosts.Any(entry => entry.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase) && host.Length > entry.Length - 1
            : host.Equals(entry, StringComparison.OrdinalIgnoreCase));

    /// <summary>The rule on HTTP hosts of <paramref name="workspace"/>, as a phrase: "workspace 'hr' allows HTTP calls only to api.hr.example".</summary>
    public static string HostRule(string workspace, IReadOnlyList<string> hosts) => hosts.Count == 0
        ? $"workspace '{workspace}' allows no HTTP calls"
        : $"workspace '{workspace}' allows HTTP calls only to {string.Join(", ", hosts)}";

    /// <summary>Why a call to <paramref name="host"/> is refused in <paramref name="workspace"/>, or null when it is allowed.</summary>
    public static string? HostRefusal(string workspace, WorkspacePolicy policy, string host) => HostAllowed(policy.HttpHosts, host)
        ? null
        : $"'{host}' may not be called: {HostRule(workspace, policy.HttpHosts!)}. An admin of '{workspace}' can add the host in the workspace's settings.";

    /// <summary>Why node kind <paramref name="kind"/> (<c>tool/http</c>, <c>agent</c>) is refused, or null when it is allowed.</summary>
    public static string? KindRefusal(string workspace, WorkspacePolicy policy, string kind) =>
        policy.NodeKinds is not { } kinds || kinds.Contains(kind, StringComparer.Ordinal)
            ? null
            : $"'{kind}' nodes may not be used: workspace '{workspace}' allows only {Listed(kinds, "no node kinds")}. An admin of '{workspace}' can allow it in the workspace's settings.";

    /// <summary>Why connection <paramref name="name"/> is refused, or null when it is allowed.</summary>
    public static string? ConnectionRefusal(string workspace, WorkspacePolicy policy, string name) =>
        policy.Connections is not { } names || names.Contains(name, StringComparer.Ordinal)
            ? null
            : $"connection '{name}' may not be used: workspace '{workspace}' allows only {Listed(names, "no connections")}. An admin of '{workspace}' can allow it in the workspace's settings.";

    /// <summary>
    /// Why a workflow of <paramref name="target"/> may not be called from <paramref name="workspace"/>, or null when it
    /// may: its own workspace's always, another's only when <see cref="WorkspacePolicy.Workflows"/> lists it (null or
    /// empty: none). The sentence does not name the other workspace, so nobody learns of another team's workspace.
    /// </summary>
    public static string? WorkflowRefusal(string workspace, WorkspacePolicy policy, string workflowId, string target) =>
        target == workspace || (policy.Workflows?.Contains(target, StringComparer.Ordinal) ?? false)
            ? null
            : $"workflow '{workflowId}' belongs to another workspace, whose workflows workspace '{workspace}' may not call: call a workflow of this workspace, or ask an admin of '{workspace}' to allow that workspace's workflows in its settings.";

    /// <summary>
    /// Every use of a node kind, HTTP host, connection or other workspace's workflow in <paramref name="document"/>
    /// that <paramref name="policy"/> refuses, and every tool, MCP server or connection of the agents its agent nodes use.
    /// </summary>
    /// <param name="document">The workflow.</param>
    /// <param name="workspace">The workspace it belongs to.</param>
    /// <param name="policy">That workspace's policy.</param>
    /// <param name="registry">The node kinds.</param>
    /// <param name="workspaceOf">The workspace of a workflow by id, or null when it does not exist.</param>
    /// <param name="agentOf">An agent by id, or null when it does not exist.</param>
    /// <param name="baseUrlOf">The BaseUrl of an http connection by name, or null.</param>
    public static IReadOnlyList<ValidationProblem> Check(
        WorkflowDocument document, string workspace, WorkspacePolicy policy, NodeRegistry registry,
        Func<string, string?> workspaceOf, Func<string, AgentDefinition?> agentOf, Func<string, string?> baseUrlOf)
    {
        var problems = new List<ValidationProblem>();
        if (policy == WorkspacePolicy.Open) return problems;
        var ids = document.Nodes.Where(n => !string.IsNullOrEmpty(n.Id)).GroupBy(n => n.Id, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet();
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            var path = ids.Contains(node.Id) ? $"nodes/{node.Id}" : $"nodes/{i}";
            if (registry.Find(node) is not { } kind) continue;
            if (KindRefusal(workspace, policy, kind.Name) is { } kindRefused)
            {
                problems.Add(new(kind.Kind is null ? $"{path}/type" : $"{path}/config/{(kind.Type == NodeTypes.Tool ? "tool" : "kind")}", Sentence(kindRefused)));
            }
            var connection = Text(node.Config, "connection");
            if (connection is not null && ConnectionRefusal(workspace, policy, connection) is { } connectionRefused)
            {
                problems.Add(new($"{path}/config/connection", Sentence(connectionRefused)));
            }
            if (kind.Name == $"{NodeTypes.Tool}/http" && policy.HttpHosts is not null)
            {
                CheckUrl(Text(node.Config, "url"), connection is null ? null : baseUrlOf(connection), $"{path}/config/url", workspace, policy, problems);
            }
            if (kind.Name == $"{NodeTypes.Tool}/subworkflow" && Text(node.Config, "workflow") is { } called && workspaceOf(called) is { } target
                && WorkflowRefusal(workspace, policy, called, target) is { } workflowRefused)
            {
                problems.Add(new($"{path}/config/workflow", Sentence(workflowRefused)));
            }
            if (kind.Type == NodeTypes.Agent && Text(node.Config, "agent") is { } agentId && agentOf(agentId) is { } agent)
            {
                foreach (var problem in CheckAgent(agent, workspace, policy, workspaceOf))
                {
                    problems.Add(new($"{path}/config/agent", $"Agent '{agent.Id}' {problem.Path}: {problem.Message}"));
                }
            }
        }
        return problems;
    }

    /// <summary>Every tool, MCP server and connection of <paramref name="agent"/> that <paramref name="policy"/> refuses, keyed <c>tools/1</c>, <c>connections/0</c>.</summary>
    public static IReadOnlyList<ValidationProblem> CheckAgent(AgentDefinition agent, string workspace, WorkspacePolicy policy, Func<string, string?> workspaceOf)
    {
        var problems = new List<ValidationProblem>();
        if (policy == WorkspacePolicy.Open) return problems;
        var tools = agent.Tools ?? [];
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not { } entry) continue;
            if (entry.StartsWith(McpToolSource.Prefix, StringComparison.Ordinal))
            {
                var slash = entry.IndexOf('/', StringComparison.Ordinal);
                var server = slash < 0 ? entry[McpToolSource.Prefix.Length..] : entry[McpToolSource.Prefix.Length..slash];
                if (policy.McpServers is { } servers && !servers.Contains(server, StringComparer.Ordinal))
                {
                    problems.Add(new($"tools/{i}", Sentence($"MCP server '{server}' may not be used: workspace '{workspace}' allows only {Listed(servers, "no MCP servers")}. An admin of '{workspace}' can allow it in the workspace's settings.")));
                }
            }
            else if (entry.StartsWith(WorkflowToolSource.Prefix, StringComparison.Ordinal))
            {
                var id = entry[WorkflowToolSource.Prefix.Length..];
                if (workspaceOf(id) is { } target && WorkflowRefusal(workspace, policy, id, target) is { } refused) problems.Add(new($"tools/{i}", Sentence(refused)));
            }
            else if (policy.Tools is { } allowed && !allowed.Contains(entry, StringComparer.Ordinal))
            {
                problems.Add(new($"tools/{i}", Sentence($"tool '{entry}' may not be used: workspace '{workspace}' allows only {Listed(allowed, "no tools")}. An admin of '{workspace}' can allow it in the workspace's settings.")));
            }
        }
        var connections = agent.Connections ?? [];
        for (var i = 0; i < connections.Count; i++)
        {
            if (connections[i] is { } name && ConnectionRefusal(workspace, policy, name) is { } refused) problems.Add(new($"connections/{i}", Sentence(refused)));
        }
        return problems;
    }

    /// <summary>
    /// The host of an HTTP URL template when it can be known before the run: the text before the first template tag
    /// must hold the scheme and the whole host. Null when it cannot.
    /// </summary>
    public static string? StaticHost(string url)
    {
        var tag = IndexOfTag(url);
        var fixedPart = (tag < 0 ? url : url[..tag]).Trim();
        var scheme = fixedPart.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0) return null;
        var start = scheme + 3;
        var end = fixedPart.IndexOfAny(['/', '?', '#'], start);
        // Without a '/', '?' or '#' after the host in the fixed text, a tag could still lengthen the host.
        if (end < 0 && tag >= 0) return null;
        var authority = end < 0 ? fixedPart[start..] : fixedPart[start..end];
        if (authority.Contains('@', StringComparison.Ordinal)) authority = authority[(authority.LastIndexOf('@') + 1)..];
        return Uri.TryCreate($"http://{authority}/", UriKind.Absolute, out var parsed) && parsed.Host.Length > 0 ? parsed.IdnHost : null;
    }

    private static void CheckUrl(string? url, string? baseUrl, string path, string workspace, WorkspacePolicy policy, List<ValidationProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(url)) return;
        var host = StaticHost(url);
        // A URL relative to the connection's BaseUrl goes to the BaseUrl's host.
        if (host is null && baseUrl is not null && !url.Contains("://", StringComparison.Ordinal)) host = StaticHost(baseUrl);
        if (host is null)
        {
            problems.Add(new(path, $"The host of this URL cannot be known before the run, and {HostRule(workspace, policy.HttpHosts!)}; write the scheme and host without templates (like https://{policy.HttpHosts!.FirstOrDefault(h => !h.StartsWith('*')) ?? "api.example.com"}/…) and template only the rest."));
        }
        else if (HostRefusal(workspace, policy, host) is { } refused)
        {
            problems.Add(new(path, Sentence(refused)));
        }
    }

    private static int IndexOfTag(string text)
    {
        var output = text.IndexOf("{{", StringComparison.Ordinal);
        var tag = text.IndexOf("{%", StringComparison.Ordinal);
        return output < 0 ? tag : tag < 0 ? output : Math.Min(output, tag);
    }

    private static string? Text(JsonObject config, string field) =>
        config[field] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static string Listed(IReadOnlyList<string> items, string none) => items.Count == 0 ? none : string.Join(", ", items);

    private static string Sentence(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
