namespace ChatFlows.Core.Connections;

/// <summary>Connections saved through <c>/api/connections</c>, with their credentials encrypted at rest.</summary>
public interface IConnectionStore
{
    /// <summary>Every stored connection, decrypted.</summary>
    Task<IReadOnlyList<Connection>> LoadAsync(CancellationToken ct);

    /// <summary>Stores or replaces a connection; true when it is new.</summary>
    Task<bool> SetAsync(Connection connection, CancellationToken ct);

    /// <summary>Deletes a stored connection; false when none had that name.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken ct);
}
