namespace ChatFlows.Core.Connections;

/// <summary>
/// Connections saved through <c>/api/connections</c>, with their credentials encrypted at rest. Names are unique per
/// workspace (<see cref="Connection.Workspace"/>, README §Workspaces and roles).
/// </summary>
public interface IConnectionStore
{
    /// <summary>Every stored connection of every workspace, decrypted.</summary>
    Task<IReadOnlyList<Connection>> LoadAsync(CancellationToken ct);

    /// <summary>Stores or replaces a connection in its workspace; true when it is new.</summary>
    Task<bool> SetAsync(Connection connection, CancellationToken ct);

    /// <summary>Deletes a stored connection of <paramref name="workspace"/>; false when none had that name there.</summary>
    Task<bool> DeleteAsync(string workspace, string name, CancellationToken ct);

    /// <summary>Deletes a stored connection of the default workspace; false when none had that name.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken ct) => DeleteAsync(Workspaces.WorkspaceIds.Default, name, ct);
}
