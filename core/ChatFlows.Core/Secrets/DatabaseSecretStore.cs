using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Dapper;

namespace ChatFlows.Core.Secrets;

/// <summary>Secrets in the database (SQLite or PostgreSQL, one SQL text for both), encrypted by an <see cref="ISecretProtector"/> before they are written.</summary>
public sealed class DatabaseSecretStore(StoreDatabase database, ISecretProtector protector, TimeProvider time) : ISecretStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<SecretInfo>> ListAsync(string workspace, CancellationToken ct = default)
    {
        const string Sql = "select name, created_at, updated_at from secrets where workspace = @Workspace order by name";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Name, long CreatedAt, long UpdatedAt)>(new CommandDefinition(Sql, new { Workspace = workspace }, cancellationToken: ct));
        return rows.Select(r => new SecretInfo(r.Name, SecretVault.StoredSource, UnixTime.To(r.CreatedAt), UnixTime.To(r.UpdatedAt))).ToArray();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<(string Workspace, string Name), string>> LoadAllAsync(CancellationToken ct = default)
    {
        const string Sql = "select workspace, name, value from secrets";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Workspace, string Name, string Value)>(new CommandDefinition(Sql, cancellationToken: ct));
        var values = new Dictionary<(string Workspace, string Name), string>();
        foreach (var (workspace, name, value) in rows)
        {
            try
            {
                values[(workspace, name)] = protector.Unprotect(value);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(
                    $"Secret '{name}' cannot be decrypted: the data protection keys it was stored with are missing. Restore the keys directory or set the secret again.", ex);
            }
        }
        return values;
    }

    /// <inheritdoc />
    public async Task<bool> SetAsync(string workspace, string name, string value, CancellationToken ct = default)
    {
        // Insert first and update when the name is taken: the affected rows say whether the secret is new, even when
        // two saves fall in the same millisecond (comparing created_at with updated_at could not tell).
        const string InsertSql = "insert into secrets (workspace, name, value, created_at, updated_at) values (@Workspace, @Name, @Value, @Now, @Now) on conflict (workspace, name) do nothing";
        const string UpdateSql = "update secrets set value = @Value, updated_at = @Now where workspace = @Workspace and name = @Name";
        var row = new { Workspace = workspace, Name = name, Value = protector.Protect(value), Now = UnixTime.From(time.GetUtcNow()) };
        await using var connection = await database.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(InsertSql, row, cancellationToken: ct)) == 1) return true;
        await connection.ExecuteAsync(new CommandDefinition(UpdateSql, row, cancellationToken: ct));
        return false;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string workspace, string name, CancellationToken ct = default)
    {
        const string Sql = "delete from secrets where workspace = @Workspace and name = @Name";
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Workspace = workspace, Name = name }, cancellationToken: ct)) == 1;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken ct = default) => ListAsync(WorkspaceIds.Default, ct);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken ct = default) =>
        (await LoadAllAsync(ct)).Where(p => p.Key.Workspace == WorkspaceIds.Default).ToDictionary(p => p.Key.Name, p => p.Value, StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<bool> SetAsync(string name, string value, CancellationToken ct = default) => SetAsync(WorkspaceIds.Default, name, value, ct);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken ct = default) => DeleteAsync(WorkspaceIds.Default, name, ct);
}
