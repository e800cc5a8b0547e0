using System.Collections.Frozen;
using System.Text.RegularExpressions;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Secrets;

/// <summary>
/// The secrets runs may read as <c>{{ secrets.NAME }}</c>: those stored (encrypted) through the API, and those
/// given in configuration (<c>ChatFlows:Secrets:NAME</c>, e.g. from the environment). A stored secret wins over a
/// configured one of the same name. Secrets belong to a workspace (README §Workspaces and roles): a run reads only its
/// workflow's workspace's; configured ones belong to <see cref="WorkspaceIds.Default"/>, and the methods without a
/// workspace mean that one. Values are held decrypted in memory so that templates read them without I/O;
/// changes made here apply at once, changes made by another instance at its next <see cref="LoadAsync"/>.
/// </summary>
public sealed partial class SecretVault
{
    /// <summary>The source of secrets set through the API.</summary>
    public const string StoredSource = "stored";

    /// <summary>The source of secrets given in configuration.</summary>
    public const string ConfiguredSource = "configuration";

    private readonly ISecretStore? _store;
    private readonly FrozenDictionary<string, string> _configured;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private volatile FrozenDictionary<(string Workspace, string Name), string> _stored = FrozenDictionary<(string Workspace, string Name), string>.Empty;

    /// <summary>A vault over <paramref name="store"/> (null: configuration only, as in the CLI) and configured values.</summary>
    public SecretVault(ISecretStore? store, IEnumerable<KeyValuePair<string, string>>? configured = null)
    {
        _store = store;
        _configured = (configured ?? []).Where(p => p.Value is not null).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>True when <paramref name="name"/> is a valid secret name: a letter or underscore, then letters, digits or underscores.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The value of a secret of the default workspace, if it is set.</summary>
    public bool TryGet(string name, out string value) => TryGet(WorkspaceIds.Default, name, out value);

    /// <summary>The value of a secret of <paramref name="workspace"/>, if it is set there.</summary>
    public bool TryGet(string workspace, string name, out string value) =>
        _stored.TryGetValue((workspace, name), out value!) || (workspace == WorkspaceIds.Default && _configured.TryGetValue(name, out value!));

    /// <summary>Reads the stored secrets again (at start-up, and periodically so other instances' changes arrive).</summary>
    public async Task LoadAsync(CancellationToken ct = default)
    {
        if (_store is null) return;
        _stored = (await _store.LoadAllAsync(ct)).ToFrozenDictionary();
    }

    /// <summary>Names, sources and dates of every secret of the default workspace; never values.</summary>
    public Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken ct = default) => ListAsync(WorkspaceIds.Default, ct);

    /// <summary>Names, sources and dates of every secret of <paramref name="workspace"/>; never values.</summary>
    public async Task<IReadOnlyList<SecretInfo>> ListAsync(string workspace, CancellationToken ct = default)
    {
        var stored = _store is null ? [] : await _store.ListAsync(workspace, ct);
        var configured = (workspace == WorkspaceIds.Default ? _configured.Keys : []).Where(name => stored.All(s => s.Name != name)).Select(name => new SecretInfo(name, ConfiguredSource, null, null));
        return stored.Concat(configured).OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Stores (encrypted) or replaces a secret of the default workspace; true when it is new.</summary>
    public Task<bool> SetAsync(string name, string value, CancellationToken ct = default) => SetAsync(WorkspaceIds.Default, name, value, ct);

    /// <summary>Stores (encrypted) or replaces a secret of <paramref name="workspace"/>; true when it is new.</summary>
    public async Task<bool> SetAsync(string workspace, string name, string value, CancellationToken ct = default)
    {
        var store = _store ?? throw new InvalidOperationException("Secrets cannot be stored here; set ChatFlows:Secrets:" + name + " instead.");
        await _writes.WaitAsync(ct);
        try
        {
            var created = await store.SetAsync(workspace, name, value, ct);
            _stored = new Dictionary<(string Workspace, string Name), string>(_stored) { [(workspace, name)] = value }.ToFrozenDictionary();
            return created;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Deletes a stored secret of the default workspace; false when none was stored under that name.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken ct = default) => DeleteAsync(WorkspaceIds.Default, name, ct);

    /// <summary>Deletes a stored secret of <paramref name="workspace"/>; false when none was stored there under that name.</summary>
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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}\\z")]
    private static partial Regex NamePattern();
}
