using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Audit;

/// <summary>
/// The audit log in the database (SQLite or PostgreSQL, one SQL text for both), table <c>audit_events</c>. There is
/// no update and no delete by id: entries are appended, read by page, and pruned only by age.
/// </summary>
/// <remarks>
/// Given the run store's journal, entries are appended through its writer, in the same transactions as runs (one writer
/// for SQLite, one commit for many entries under load); the entry returned then has no <see cref="AuditEntry.Id"/> (0).
/// </remarks>
public sealed class DatabaseAuditLog(StoreDatabase database, Storage.Relational.RelationalRunStore? journal = null) : IAuditLog
{
    private const string Columns = "id, at, workspace, actor, surface, action, target, detail, address";

    /// <inheritdoc />
    public async Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken ct = default)
    {
        if (journal is not null)
        {
            await journal.AppendAuditAsync(entry).WaitAsync(ct);
            return entry with { At = UnixTime.Trim(entry.At) };
        }
        const string Sql = """
            insert into audit_events (at, workspace, actor, surface, action, target, detail, address)
            values (@At, @Workspace, @Actor, @Surface, @Action, @Target, @Detail, @Address)
            returning id
            """;
        await using var connection = await database.OpenAsync(ct);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql, new
        {
            At = UnixTime.From(entry.At),
            entry.Workspace,
            entry.Actor,
            entry.Surface,
            entry.Action,
            entry.Target,
            entry.Detail,
            entry.Address,
        }, cancellationToken: ct));
        return entry with { Id = id, At = UnixTime.Trim(entry.At) };
    }

    /// <inheritdoc />
    public async Task<AuditPage> ListAsync(AuditQuery query, CancellationToken ct = default)
    {
        const string Sql = $"""
            select {Columns} from audit_events
            where (@Workspace is null or workspace = @Workspace)
              and (@Actor is null or actor = @Actor)
              and (@Action is null or action = @Action)
              and (@ActionPrefix is null or substr(action, 1, @PrefixLength) = @ActionPrefix)
              and (@Target is null or target = @Target)
              and (@From is null or at >= @From)
              and (@To is null or at < @To)
              and (@Before is null or id < @Before)
            order by id desc
            limit @Take
            """;
        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        var prefix = query.Action is { } action && action.EndsWith('.') ? action : null;
        await using var connection = await database.OpenAsync(ct);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(Sql, new
        {
            query.Workspace,
            query.Actor,
            Action = prefix is null ? query.Action : null,
            ActionPrefix = prefix,
            PrefixLength = prefix?.Length ?? 0,
            query.Target,
            From = UnixTime.From(query.From),
            To = UnixTime.From(query.To),
            query.Before,
            Take = limit + 1,
        }, cancellationToken: ct))).AsList();
        var next = rows.Count > limit ? rows[limit - 1].Id : (long?)null;
        return new AuditPage(rows.Take(limit).Select(r => r.ToEntry()).ToArray(), next);
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        const string Sql = "delete from audit_events where at < @Before";
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Before = UnixTime.From(before) }, cancellationToken: ct));
    }

    private sealed class AuditRow
    {
        public long Id { get; init; }

        public long At { get; init; }

        public string Workspace { get; init; } = "";

        public string Actor { get; init; } = "";

        public string Surface { get; init; } = "";

        public string Action { get; init; } = "";

        public string Target { get; init; } = "";

        public string? Detail { get; init; }

        public string? Address { get; init; }

        public AuditEntry ToEntry() => new(Id, UnixTime.To(At), Workspace, Actor, Surface, Action, Target, Detail, Address);
    }
}
