using System.Text.Json;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Connections;

/// <summary>
/// Connections in the database, SQLite or PostgreSQL with one SQL text for both (README §Connections): the credential settings are encrypted together by an
/// <see cref="ISecretProtector"/> before they are written; the other settings are kept in clear.
/// </summary>
public sealed class DatabaseConnectionStore(StoreDatabase database, ISecretProtector protector, TimeProvider time) : IConnectionStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<Connection>> LoadAsync(CancellationToken ct)
    {
        const string Sql = "select workspace, name, type, workflows, settings, credentials from connections order by workspace, name";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Workspace, string Name, string Type, string Workflows, string Settings, string? Credentials)>(new CommandDefinition(Sql, cancellationToken: ct));
        var connections = new List<Connection>();
        foreach (var row in rows)
        {
            var settings = new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(row.Settings) ?? [], StringComparer.OrdinalIgnoreCase);
            if (row.Credentials is not null)
            {
                string clear;
                try
                {
                    clear = protector.Unprotect(row.Credentials);
                }
                catch (Exception ex)
                {
                    throw new InvalidOperationException(
                        $"The credentials of connection '{row.Name}' cannot be decrypted: the data protection keys they were stored with are missing. Restore the keys directory or save the connection again.", ex);
                }
                foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(clear) ?? []) settings[key] = value;
            }
            connections.Add(new Connection(row.Name, row.Type, JsonSerializer.Deserialize<string[]>(row.Workflows) ?? [], settings, ConnectionRegistry.StoredSource) { Workspace = row.Workspace });
        }
        return connections;
    }

    /// <inheritdoc />
    public async Task<bool> SetAsync(Connection connection, CancellationToken ct)
    {
        // Insert first and update when the name is taken: the affected rows say whether the connection is new, even
        // when two saves fall in the same millisecond.
        const string InsertSql = """
            insert into connections (workspace, name, type, workflows, settings, credentials, created_at, updated_at)
            values (@Workspace, @Name, @Type, @Workflows, @Settings, @Credentials, @Now, @Now)
            on conflict (workspace, name) do nothing
            """;
        const string UpdateSql = """
            update connections set type = @Type, workflows = @Workflows, settings = @Settings, credentials = @Credentials, updated_at = @Now
            where workspace = @Workspace and name = @Name
            """;
        var clear = connection.Settings.Where(p => !ConnectionTypes.IsCredential(connection.Type, p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var credentials = connection.Settings.Where(p => ConnectionTypes.IsCredential(connection.Type, p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var row = new
        {
            connection.Workspace,
            connection.Name,
            connection.Type,
            Workflows = JsonSerializer.Serialize(connection.Workflows),
            Settings = JsonSerializer.Serialize(clear),
            Credentials = credentials.Count == 0 ? null : protector.Protect(JsonSerializer.Serialize(credentials)),
            Now = UnixTime.From(time.GetUtcNow()),
        };
        await using var db = await database.OpenAsync(ct);
        if (await db.ExecuteAsync(new CommandDefinition(InsertSql, row, cancellationToken: ct)) == 1) return true;
        await db.ExecuteAsync(new CommandDefinition(UpdateSql, row, cancellationToken: ct));
        return false;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string workspace, string name, CancellationToken ct)
    {
        const string Sql = "delete from connections where workspace = @Workspace and name = @Name";
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition(Sql, new { Workspace = workspace, Name = name }, cancellationToken: ct)) == 1;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken ct) => DeleteAsync(Workspaces.WorkspaceIds.Default, name, ct);
}
