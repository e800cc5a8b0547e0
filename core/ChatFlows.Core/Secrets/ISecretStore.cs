using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Secrets;

/// <summary>
/// Named secrets, stored encrypted (docs/architecture.md, README §Security). Values go in and are used by runs; they never
/// come back out through the API. Names are unique per workspace (README §Workspaces and roles): each team can have its
/// own <c>GITHUB_TOKEN</c>. The overloads without a workspace mean <see cref="WorkspaceIds.Default"/>.
/// </summary>
public interface ISecretStore
{
    /// <summary>Names and dates of the secrets stored in <paramref name="workspace"/>, by name.</summary>
    Task<IReadOnlyList<SecretInfo>> ListAsync(string workspace, CancellationToken ct = default);

    /// <summary>Every stored secret of every workspace, decrypted, for the runs of this instance.</summary>
    Task<IReadOnlyDictionary<(string Workspace, string Name), string>> LoadAllAsync(CancellationToken ct = default);

    /// <summary>Stores or replaces a secret of <paramref name="workspace"/>; true when it is new.</summary>
    Task<bool> SetAsync(string workspace, string name, string value, CancellationToken ct = default);

    /// <summary>Deletes a secret of <paramref name="workspace"/>; false when there was none.</summary>
    Task<bool> DeleteAsync(string workspace, string name, CancellationToken ct = default);

    /// <summary>Names and dates of the default workspace's secrets, by name.</summary>
    Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken ct = default) => ListAsync(WorkspaceIds.Default, ct);

    /// <summary>The default workspace's stored secrets, decrypted, by name.</summary>
    async Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken ct = default) =>
        (await LoadAllAsync(ct)).Where(p => p.Key.Workspace == WorkspaceIds.Default).ToDictionary(p => p.Key.Name, p => p.Value, StringComparer.Ordinal);

    /// <summary>Stores or replaces a secret of the default workspace; true when it is new.</summary>
    Task<bool> SetAsync(string name, string value, CancellationToken ct = default) => SetAsync(WorkspaceIds.Default, name, value, ct);

    /// <summary>Deletes a secret of the default workspace; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken ct = default) => DeleteAsync(WorkspaceIds.Default, name, ct);
}
