namespace ChatFlows.Core.Workspaces;

/// <summary>
/// What a workspace's workflows and agents may use (README §Workspaces and roles). Each list that is null allows (except <see cref="Workflows"/>)
/// everything of its kind; a list (even empty) allows only what it names. Validation refuses the rest with the path
/// and the rule.
/// </summary>
/// <param name="NodeKinds">Node kinds (<c>http</c>, <c>sql</c>, <c>agent</c>, …).</param>
/// <param name="Tools">Agent tools by name.</param>
/// <param name="HttpHosts">Host names the HTTP node and tool may call (<c>api.example.com</c>, <c>*.corp.example</c>).</param>
/// <param name="Connections">Connections by name.</param>
/// <param name="McpServers">MCP servers by name.</param>
/// <param name="Workflows">Other workspaces whose workflows may be called as sub-workflows or workflow tools. Unlike the
/// other lists, null allows none: a workspace's own workflows are always allowed, another's only when listed.</param>
public sealed record WorkspacePolicy(
    IReadOnlyList<string>? NodeKinds = null,
    IReadOnlyList<string>? Tools = null,
    IReadOnlyList<string>? HttpHosts = null,
    IReadOnlyList<string>? Connections = null,
    IReadOnlyList<string>? McpServers = null,
    IReadOnlyList<string>? Workflows = null)
{
    /// <summary>Allows everything: the policy of a workspace nobody restricted.</summary>
    public static WorkspacePolicy Open { get; } = new();
}
