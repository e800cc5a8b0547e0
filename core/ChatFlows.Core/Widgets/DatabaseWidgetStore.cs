using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Widgets;

/// <summary>
/// Widgets in the database (SQLite or PostgreSQL, one SQL text for both): the current value per widget in
/// <c>widgets</c>, its history in <c>widget_history</c>, keyed by run, node and position so a re-executed node adds nothing.
/// </summary>
public sealed class DatabaseWidgetStore(StoreDatabase database) : IWidgetStore
{
    private const string Columns = "name, title, type, value, updated_at, run_id, workflow_id, node_id, workspace";

    /// <inheritdoc />
    public async Task<bool> SetAsync(WidgetUpdate update, CancellationToken ct = default)
    {
        const string SeenSql = "select count(*) from widget_history where widget = @Name and run_id = @RunId and node_id = @NodeId";
        const string TypeSql = "select type, workspace from widgets where name = @Name";
        const string ClearSql = "delete from widget_history where widget = @Name";
        const string UpsertSql = $"""
            insert into widgets ({Columns}) values (@Name, @Title, @Type, @Value, @At, @RunId, @WorkflowId, @NodeId, @Workspace)
            on conflict (name) do update set title = excluded.title, type = excluded.type, value = excluded.value,
                updated_at = excluded.updated_at, run_id = excluded.run_id, workflow_id = excluded.workflow_id, node_id = excluded.node_id
            """;
        const string HistorySql = """
            insert into widget_history (widget, run_id, node_id, seq, at, value) values (@Name, @RunId, @NodeId, @Seq, @At, @Value)
            on conflict (widget, run_id, node_id, seq) do nothing
            """;
        const string PruneSql = """
            delete from widget_history where widget = @Name
            and id not in (select id from widget_history where widget = @Name order by at desc, id desc limit @Limit)
            """;

        var key = new { update.Name, update.RunId, update.NodeId };
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(SeenSql, key, transaction, cancellationToken: ct)) > 0) return false;

        var current = await connection.QuerySingleOrDefaultAsync<(string Type, string Workspace)?>(new CommandDefinition(TypeSql, key, transaction, cancellationToken: ct));
        if (current is { } held && held.Workspace != update.Workspace) throw new WidgetTakenException(update.Name);
        var type = current?.Type;
        // A widget whose type changes starts a new history; a series set as a whole replaces its points.
        if (type is not null && (type != update.Type || update.ReplacesPoints))
        {
            await connection.ExecuteAsync(new CommandDefinition(ClearSql, key, transaction, cancellationToken: ct));
        }
        var at = UnixTime.From(update.At);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            update.Name,
            update.Title,
            update.Type,
            Value = update.Value.GetRawText(),
            At = at,
            update.RunId,
            update.WorkflowId,
            update.NodeId,
            update.Workspace,
        }, transaction, cancellationToken: ct));

        var entries = update.Points is { } points
            ? points.Select((p, i) => new { update.Name, update.RunId, update.NodeId, Seq = i, At = UnixTime.From(p.At), Value = p.Value.ToString("R", CultureInfo.InvariantCulture) })
            : [new { update.Name, update.RunId, update.NodeId, Seq = 0, At = at, Value = update.Value.GetRawText() }];
        foreach (var entry in entries) await connection.ExecuteAsync(new CommandDefinition(HistorySql, entry, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { update.Name, Limit = IWidgetStore.HistoryLimit }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Widget>> ListAsync(CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from widgets order by name";
        const string PreviousSql = """
            select widget, value from (
                select widget, value, row_number() over (partition by widget order by at desc, id desc) as position
                from widget_history where widget in (select name from widgets where type = 'number')) ranked
            where position = 2
            """;
        const string PointsSql = """
            select widget, at, value, run_id from widget_history
            where widget in (select name from widgets where type = 'series') order by widget, at, id
            """;
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<WidgetRow>(new CommandDefinition(Sql, cancellationToken: ct));
        var previous = (await connection.QueryAsync<(string Widget, string Value)>(new CommandDefinition(PreviousSql, cancellationToken: ct)))
            .ToDictionary(p => p.Widget, p => p.Value, StringComparer.Ordinal);
        var points = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(PointsSql, cancellationToken: ct)))
            .ToLookup(p => p.Widget, StringComparer.Ordinal);
        return rows.Select(row => row.ToWidget(
            previous.TryGetValue(row.Name, out var before) ? before : null,
            row.Type == WidgetTypes.Series ? points[row.Name].Select(p => p.ToPoint()).ToArray() : [])).ToArray();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Widget>> ListAsync(string workspace, CancellationToken ct = default) =>
        (await ListAsync(ct)).Where(w => w.Workspace == workspace).ToArray();

    /// <inheritdoc />
    public async Task<Widget?> GetAsync(string name, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from widgets where name = @Name";
        const string HistorySql = "select widget, at, value, run_id from widget_history where widget = @Name order by at, id";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<WidgetRow>(new CommandDefinition(Sql, new { Name = name }, cancellationToken: ct));
        if (row is null) return null;
        var history = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(HistorySql, new { Name = name }, cancellationToken: ct))).Select(h => h.ToPoint()).ToArray();
        var previous = row.Type == WidgetTypes.Number && history.Length >= 2 ? history[^2].Value.GetRawText() : null;
        return row.ToWidget(previous, history);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, CancellationToken ct = default)
    {
        const string Sql = "delete from widgets where name = @Name";
        const string HistorySql = "delete from widget_history where widget = @Name";
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(Sql, new { Name = name }, transaction, cancellationToken: ct)) == 1;
        await connection.ExecuteAsync(new CommandDefinition(HistorySql, new { Name = name }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return deleted;
    }

    private sealed class WidgetRow
    {
        public string Name { get; init; } = "";

        public string? Title { get; init; }

        public string Type { get; init; } = "";

        public string Value { get; init; } = "null";

        public long UpdatedAt { get; init; }

        public string RunId { get; init; } = "";

        public string WorkflowId { get; init; } = "";

        public string NodeId { get; init; } = "";

        public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

        public Widget ToWidget(string? previous, IReadOnlyList<WidgetPoint> history) => new()
        {
            Name = Name,
            Title = Title,
            Type = Type,
            Value = JsonElement.Parse(Value),
            UpdatedAt = UnixTime.To(UpdatedAt),
            RunId = RunId,
            WorkflowId = WorkflowId,
            NodeId = NodeId,
            Workspace = Workspace,
            Previous = previous is not null && JsonElement.Parse(previous) is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : null,
            History = history,
        };
    }

    private sealed class HistoryRow
    {
        public string Widget { get; init; } = "";

        public long At { get; init; }

        public string Value { get; init; } = "null";

        public string RunId { get; init; } = "";

        public WidgetPoint ToPoint() => new(UnixTime.To(At), JsonElement.Parse(Value), RunId);
    }
}
