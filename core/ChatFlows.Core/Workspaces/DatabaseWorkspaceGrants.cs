using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Workspaces;

/// <summary>Grants in the <c>workspace_grants</c> table (SQLite or PostgreSQL, one SQL text for both).</summary>
public sealed class DatabaseWorkspaceGrants(StoreDatabase database) : IWorkspaceGrants
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkspaceGrant>> ListAsync(string workspace, CancellationToken ct = default)
    {
        const string Sql = "select workspace, principal, role, granted_by, granted_at from workspace_grants where workspace = @Workspace order by principal";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<GrantRow>(new CommandDefinition(Sql, new { Workspace = workspace }, cancellationToken: ct));
        // A row whose role this version does not know grants nothing, rather than failing every check of the workspace.
        return rows.Select(r => r.ToGrant()).OfType<WorkspaceGrant>().ToArray();
    }

    /// <inheritdoc />
    public async Task SetAsync(WorkspaceGrant grant, CancellationToken ct = default)
    {
        const string Sql = """
            insert into workspace_grants (workspace, principal, role, granted_by, granted_at) values (@Workspace, @Principal, @Role, @GrantedBy, @GrantedAt)
            on conflict (workspace, principal) do update set role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at
            """;
        if (grant.Role == Role.None) throw new ArgumentException("A grant gives a role; remove the grant instead of giving none.", nameof(grant));
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            grant.Workspace,
            grant.Principal,
            Role = grant.Role.Name(),
            grant.GrantedBy,
            GrantedAt = UnixTime.From(grant.GrantedAt),
        }, cancellationToken: ct));
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string workspace, string principal, CancellationToken ct = default)
    {
        const string Sql = "delete from workspace_grants where workspace = @Workspace and principal = @Principal";
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Workspace = workspace, Principal = principal }, cancellationToken: ct)) == 1;
    }

    private sealed class GrantRow
    {
        public string Workspace { get; init; } = "";

        public string Principal { get; init; } = "";

        public string Role { get; init; } = "";

        public string GrantedBy { get; init; } = "";

        public long GrantedAt { get; init; }

        public WorkspaceGrant? ToGrant() =>
            RoleNames.Parse(Role) is { } role ? new WorkspaceGrant(Workspace, Principal, role, GrantedBy, UnixTime.To(GrantedAt)) : null;
    }
}
