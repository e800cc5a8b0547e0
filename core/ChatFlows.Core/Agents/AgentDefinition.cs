namespace ChatFlows.Core.Agents;

/// <summary>
/// An agent (docs/semantics.md): an LLM with instructions, a model profile and the tools it may call. Agent nodes refer to
/// it by id, so editing an agent changes every workflow that uses it.
/// </summary>
public sealed record AgentDefinition
{
    /// <summary>Lower-case letters, digits and dashes, e.g. <c>summarizer</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The name people see.</summary>
    public required string Name { get; init; }

    /// <summary>The system prompt.</summary>
    public string Instructions { get; init; } = "";

    /// <summary>The model profile under <c>ChatFlows:Models</c>; null uses the default profile.</summary>
    public string? Model { get; init; }

    /// <summary>Sampling temperature (0–2); null leaves it to the model.</summary>
    public double? Temperature { get; init; }

    /// <summary>Most tokens one answer may have; null leaves it to the model.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>
    /// The tools the model may call: names from the agent tool catalog, or entries a tool source owns
    /// (<c>workflow:&lt;id&gt;</c>, <c>mcp:&lt;server&gt;/&lt;tool&gt;</c>).
    /// </summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>Ids of the knowledge bases it may search; any gives it the <c>search_knowledge</c> tool.</summary>
    public IReadOnlyList<string> Knowledge { get; init; } = [];

    /// <summary>Entries of <see cref="Tools"/> whose calls wait for a person to approve them first.</summary>
    public IReadOnlyList<string> Confirm { get; init; } = [];

    /// <summary>
    /// Names of the connections (README §Connections) its tools may use; a connection must also allow the workflow the
    /// agent runs in.
    /// </summary>
    public IReadOnlyList<string> Connections { get; init; } = [];

    /// <summary>
    /// The workspace it belongs to (README §Workspaces and roles), set by the store from its own column rather than the
    /// document; only that workspace's workflows may use it. Ids stay unique across the install.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

    /// <summary>Starts at 1 and grows with every save.</summary>
    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
