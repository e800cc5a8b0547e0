using ChatFlows.Core.Documents;
using ChatFlows.Core.Workspaces;
using Dapper;

namespace ChatFlows.Core.Storage.Relational;

/// <summary>
/// Workflows in a relational database, written once for every provider: the current document per id, and every
/// version in <c>workflow_versions</c>. Versions of an id keep numbering after a delete, so a run pinned to an old
/// version, or a plan cached for it, is never mistaken for a new document. Each workflow keeps the workspace it was
/// created in (README §Workspaces and roles): an update naming another workspace is refused like a stale one.
/// </summary>
public abstract class RelationalWorkflowStore(StoreDatabase database, TimeProvider time) : IWorkflowStore
{
    private const string Columns = "document, workspace, created_at, updated_at";
    private const string ListSql = $"select {Columns} from workflows order by id";
    private const string GetSql = $"select {Columns} from workflows where id = @Id";
    private const string GetVersionSql = "select document, workspace from workflow_versions where workflow_id = @Id and version = @Version";
    private const string ListVersionsSql = "select document, workspace, created_at, saved_by from workflow_versions where workflow_id = @Id order by version desc";
    private const string InsertSql = "insert into workflows (id, version, document, workspace, created_at, updated_at) values (@Id, @Version, @Document, @Workspace, @Now, @Now) on conflict (id) do nothing";
    private const string LastVersionSql = "select coalesce(max(version), 0) from workflow_versions where workflow_id = @Id";
    private const string UpdateSql = "update workflows set version = version + 1, document = @Document, updated_at = @Now where id = @Id and version = @Expected and workspace = @Workspace";
    private const string CreatedAtSql = "select created_at from workflows where id = @Id";
    private const string InsertVersionSql = """
        insert into workflow_versions (workflow_id, version, document, workspace, created_at, saved_by) values (@Id, @Version, @Document, @Workspace, @Now, @SavedBy)
        on conflict (workflow_id, version) do update set document = excluded.document, workspace = excluded.workspace, created_at = excluded.created_at, saved_by = excluded.saved_by
        """;
    private const string DeleteSql = "delete from workflows where id = @Id and (@Expected is null or version = @Expected)";

    /// <inheritdoc />
    public event Action<WorkflowChange>? Changed;

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredWorkflow>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<WorkflowRow>(new CommandDefinition(ListSql, cancellationToken: ct));
        return rows.Select(r => r.ToStored()).ToArray();
    }

    /// <inheritdoc />
    public async Task<StoredWorkflow?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<WorkflowRow>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct));
        return row?.ToStored();
    }

    /// <inheritdoc />
    public async Task<WorkflowDocument?> GetVersionAsync(string id, int version, CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<VersionRow>(new CommandDefinition(GetVersionSql, new { Id = id, Version = version }, cancellationToken: ct));
        return row is null ? null : WorkflowJson.Parse(row.Document) with { Workspace = row.Workspace };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkflowVersion>> ListVersionsAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(ListVersionsSql, new { Id = id }, cancellationToken: ct));
        return rows.Select(r => new WorkflowVersion(WorkflowJson.Parse(r.Document) with { Workspace = r.Workspace }, UnixTime.To(r.CreatedAt), r.SavedBy)).ToArray();
    }

    /// <inheritdoc />
    public async Task<StoredWorkflow?> CreateAsync(WorkflowDocument document, string? savedBy = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        WorkflowDocument saved;
        await using (var connection = await database.OpenAsync(ct))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // An id used before and deleted continues its numbering: runs of the old workflow stay pinned to their
            // versions, and a plan cached for an old version is never mistaken for the new document.
            var last = await connection.ExecuteScalarAsync<int>(new CommandDefinition(LastVersionSql, new { document.Id }, transaction, cancellationToken: ct));
            saved = document with { Version = last + 1 };
            var args = new { document.Id, Document = WorkflowJson.Serialize(saved), saved.Workspace, Now = UnixTime.From(now), saved.Version, SavedBy = savedBy };
            if (await connection.ExecuteAsync(new CommandDefinition(InsertSql, args, transaction, cancellationToken: ct)) != 1) return null;
            await connection.ExecuteAsync(new CommandDefinition(InsertVersionSql, args, transaction, cancellationToken: ct));
            await transaction.CommitAsync(ct);
        }
        Changed?.Invoke(new WorkflowChange(document.Id, saved.Version));
        return new StoredWorkflow(saved, UnixTime.Trim(now), UnixTime.Trim(now));
    }

    /// <inheritdoc />
    public async Task<StoredWorkflow?> UpdateAsync(WorkflowDocument document, int expectedVersion, string? savedBy = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var saved = document with { Version = expectedVersion + 1 };
        var args = new { document.Id, Document = WorkflowJson.Serialize(saved), saved.Workspace, Now = UnixTime.From(now), Expected = expectedVersion, saved.Version, SavedBy = savedBy };
        DateTimeOffset createdAt;
        await using (var connection = await database.OpenAsync(ct))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (await connection.ExecuteAsync(new CommandDefinition(UpdateSql, args, transaction, cancellationToken: ct)) != 1) return null;
            await connection.ExecuteAsync(new CommandDefinition(InsertVersionSql, args, transaction, cancellationToken: ct));
            createdAt = UnixTime.To(await connection.ExecuteScalarAsync<long>(new CommandDefinition(CreatedAtSql, args, transaction, cancellationToken: ct)));
            await transaction.CommitAsync(ct);
        }
        Changed?.Invoke(new WorkflowChange(document.Id, saved.Version));
        return new StoredWorkflow(saved, createdAt, UnixTime.Trim(now));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, int? expectedVersion = null, CancellationToken ct = default)
    {
        await using (var connection = await database.OpenAsync(ct))
        {
            if (await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { Id = id, Expected = expectedVersion }, cancellationToken: ct)) != 1) return false;
        }
        Changed?.Invoke(new WorkflowChange(id, null));
        return true;
    }

    private sealed class WorkflowRow
    {
        public string Document { get; init; } = "";

        // The column is what places the workflow (README §Workspaces and roles): rows from before workspaces hold
        // documents without one and were moved to 'default' by the migration.
        public string Workspace { get; init; } = WorkspaceIds.Default;

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; init; }

        public StoredWorkflow ToStored() => new(WorkflowJson.Parse(Document) with { Workspace = Workspace }, UnixTime.To(CreatedAt), UnixTime.To(UpdatedAt));
    }

    private sealed class VersionRow
    {
        public string Document { get; init; } = "";

        public string Workspace { get; init; } = WorkspaceIds.Default;

        public long CreatedAt { get; init; }

        public string? SavedBy { get; init; }
    }
}
