using System.Collections.Frozen;
using System.Text.RegularExpressions;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Connections;

/// <summary>
/// The connections nodes and agent tools may use (README §Connections): those given in configuration
/// (<c>ChatFlows:Connections:NAME</c>) and those saved through the API, which win over a configured one of the same
/// name. Every use is checked against the connection's type and its list of workflows, at validation and again when
/// a node runs, since a connection may change after a workflow was saved. Names are unique per workspace (README
/// §Workspaces and roles): a workflow finds only its own workspace's connections; configured ones belong to
/// <see cref="WorkspaceIds.Default"/>, and the methods without a workspace mean that one.
/// </summary>
public sealed partial class ConnectionRegistry
{
    /// <summary>The source of connections given in configuration.</summary>
    public const string ConfiguredSource = "configuration";

    /// <summary>The source of connections saved through the API.</summary>
    public const string StoredSource = "stored";

    private readonly IConnectionStore? _store;
    private readonly FrozenDictionary<(string Workspace, string Name), Connection> _configured;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile FrozenDictionary<(string Workspace, string Name), Connection> _stored = FrozenDictionary<(string Workspace, string Name), Connection>.Empty;

    /// <summary>A registry over configured connections and, when given, a store of saved ones.</summary>
    public ConnectionRegistry(IEnumerable<Connection>? configured = null, IConnectionStore? store = null)
    {
        _store = store;
        _configured = (configured ?? []).ToFrozenDictionary(c => (c.Workspace, c.Name));
    }

    /// <summary>True when <paramref name="name"/> is a valid connection name.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>What a connection name must look like, for messages.</summary>
    public const string NameRule = "use lower-case letters, digits, '-' and '_', starting with a letter or digit, like orders-db";

    /// <summary>The default workspace's connection of this name, or null.</summary>
    public Connection? Find(string name) => Find(WorkspaceIds.Default, name);

    /// <summary>The connection of this name in <paramref name="workspace"/>, or null.</summary>
    public Connection? Find(string workspace, string name) => _stored.GetValueOrDefault((workspace, name)) ?? _configured.GetValueOrDefault((workspace, name));

    /// <summary>Every connection of the default workspace, by name.</summary>
    public IReadOnlyList<Connection> List() => List(WorkspaceIds.Default);

    /// <summary>Every connection of <paramref name="workspace"/>, by name.</summary>
    public IReadOnlyList<Connection> List(string workspace) => _stored.Values.Where(c => c.Workspace == workspace)
        .Concat(_configured.Values.Where(c => c.Workspace == workspace && !_stored.ContainsKey((c.Workspace, c.Name))))
        .OrderBy(c => c.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Reads the saved connections again (at start-up, and periodically so other instances' changes arrive).</summary>
    public async Task LoadAsync(CancellationToken ct = default)
    {
        if (_store is null) return;
        // Under the write lock, so a reload that read the table before a save cannot put back what the save replaced.
        await _writes.WaitAsync(ct);
        try
        {
            _stored = (await _store.LoadAsync(ct)).ToFrozenDictionary(c => (c.Workspace, c.Name));
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Saves (credentials encrypted) or replaces a connection of its workspace; true when it is new.</summary>
    public async Task<bool> SetAsync(Connection connection, CancellationToken ct = default)
    {
        var store = _store ?? throw new InvalidOperationException($"Connections cannot be saved here; configure ChatFlows:Connections:{connection.Name} instead.");
        await _writes.WaitAsync(ct);
        try
        {
            var created = await store.SetAsync(connection, ct);
            _stored = new Dictionary<(string Workspace, string Name), Connection>(_stored) { [(connection.Workspace, connection.Name)] = connection with { Source = StoredSource } }
                .ToFrozenDictionary();
            return created;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Deletes a saved connection of the default workspace; false when none was saved under that name.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken ct = default) => DeleteAsync(WorkspaceIds.Default, name, ct);

    /// <summary>Deletes a saved connection of <paramref name="workspace"/>; false when none was saved there under that name.</summary>
    public async Task<bool> DeleteAsync(string workspace, string name, CancellationToken ct = default)
    {
        if (_store is null) return false;
        await _writes.WaitAsync(ct);
        try
        {
            var deleted = await _store.DeleteAsync(workspace, name, ct);
            _stored = _stored.Where(p => p.Key != (workspace, name)).ToFrozenDictionary();
            return deleted;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Why workflow <paramref name="workflowId"/> may not use connection <paramref name="name"/> as a
    /// <paramref name="type"/> connection, as a sentence that says what to do; null when it may.
    /// </summary>
    public string? Problem(string name, string type, string workflowId) => Problem(name, type, workflowId, WorkspaceIds.Default);

    /// <summary>
    /// Why workflow <paramref name="workflowId"/> of <paramref name="workspace"/> may not use connection
    /// <paramref name="name"/> as a <paramref name="type"/> connection; null when it may. A connection of another
    /// workspace is reported as missing, in the same words, so that one team learns nothing of another's connections.
    /// </summary>
    public string? Problem(string name, string type, string workflowId, string workspace)
    {
        if (!IsValidName(name)) return $"'{name}' is not a connection name; {NameRule}.";
        if (Find(workspace, name) is not { } connection)
        {
            var where = workspace == WorkspaceIds.Default ? $"under ChatFlows:Connections:{name}" : $"with PUT /api/w/{workspace}/connections/{name}";
            return $"There is no connection '{name}'; add {ConnectionTypes.WithArticle(type)} connection of that name in the dashboard (Connections) or {where}.";
        }
        if (connection.Type != type) return $"Connection '{name}' is {ConnectionTypes.WithArticle(connection.Type)} connection; this field needs {ConnectionTypes.WithArticle(type)} connection.";
        if (!connection.Allows(workflowId))
        {
            return $"Connection '{name}' may not be used by workflow '{workflowId}'; add '{workflowId}' (or *) to the connection's workflows.";
        }
        return null;
    }

    /// <summary>
    /// The connection for a node about to use it: checked as at validation, and its credentials handed to the run so
    /// that they are redacted from whatever it records.
    /// </summary>
    /// <exception cref="NodeException">The connection is missing, of another type, or does not allow the workflow.</exception>
    public Connection Use(string name, string type, NodeContext context)
    {
        if (Problem(name, type, context.WorkflowId, context.Workspace) is { } problem) throw new NodeException(problem);
        var connection = Find(context.Workspace, name)!;
        foreach (var (label, value) in connection.Credentials) context.Scope.Redacts(label, value);
        return connection;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}\\z")]
    private static partial Regex NamePattern();
}
