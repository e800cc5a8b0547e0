namespace ChatFlows.Core.Connections;

/// <summary>
/// A named, typed credential (README §Connections) that nodes and agent tools refer to by name, so that no secret
/// is ever written into a workflow. It lists the workflows that may use it (<c>*</c> for all).
/// </summary>
/// <param name="Name">Lower-case letters, digits, dashes and underscores, e.g. <c>orders-db</c>.</param>
/// <param name="Type">One of <see cref="ConnectionTypes.All"/>.</param>
/// <param name="Workflows">Ids of the workflows that may use it, or <c>*</c>.</param>
/// <param name="Settings">Its settings by key (<c>SmtpHost</c>, <c>Headers:Authorization</c>); keys ignore case.</param>
/// <param name="Source"><see cref="ConnectionRegistry.ConfiguredSource"/> or <see cref="ConnectionRegistry.StoredSource"/>.</param>
public sealed record Connection(string Name, string Type, IReadOnlyList<string> Workflows, IReadOnlyDictionary<string, string> Settings, string Source)
{
    /// <summary>
    /// The workspace it belongs to (README §Workspaces and roles): only that workspace's workflows and agents can use it.
    /// Configured connections belong to <see cref="Workspaces.WorkspaceIds.Default"/>.
    /// </summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

    /// <summary>The value that lets every workflow use a connection.</summary>
    public const string AnyWorkflow = "*";

    /// <summary>True when workflow <paramref name="workflowId"/> may use this connection.</summary>
    public bool Allows(string workflowId) => Workflows.Contains(AnyWorkflow, StringComparer.Ordinal) || Workflows.Contains(workflowId, StringComparer.Ordinal);

    /// <summary>A setting's value; null when it is missing or empty.</summary>
    public string? Setting(string key) => Settings.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>The settings under a group, e.g. the headers of an http connection, by their names.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Group(string group) => Settings
        .Where(p => p.Key.StartsWith(group + ":", StringComparison.OrdinalIgnoreCase))
        .Select(p => new KeyValuePair<string, string>(p.Key[(group.Length + 1)..], p.Value))
        .ToArray();

    /// <summary>The credential settings with their values, labelled <c>NAME.Key</c>, for redaction.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Credentials => Settings
        .Where(p => p.Value.Length > 0 && ConnectionTypes.IsCredential(Type, p.Key))
        .Select(p => new KeyValuePair<string, string>($"{Name}.{p.Key}", p.Value))
        .ToArray();
}
