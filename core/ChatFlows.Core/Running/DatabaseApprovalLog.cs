using System.Text.Json;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Running;

/// <summary>
/// The approval journal in the product's database (SQLite or PostgreSQL, one SQL text for both): table
/// <c>approval_events</c>, keyed by run, node and entry key so a repeated vote or a reminder found due by two instances
/// is recorded once. Entries go with their run when it is pruned (README §Approvals).
/// </summary>
public sealed class DatabaseApprovalLog(StoreDatabase database) : IApprovalLog
{
    private const string Columns = "run_id, node_id, key, kind, actor, at, data";

    /// <inheritdoc />
    public async Task<bool> AppendAsync(ApprovalEvent entry, CancellationToken ct = default)
    {
        const string Sql = $"""
            insert into approval_events ({Columns}) values (@RunId, @NodeId, @Key, @Kind, @Actor, @At, @Data)
            on conflict (run_id, node_id, key) do nothing
            """;
        await using var connection = await database.OpenAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            entry.RunId,
            entry.NodeId,
            entry.Key,
            entry.Kind,
            entry.Actor,
            At = UnixTime.From(entry.At),
            Data = entry.Data.ValueKind == JsonValueKind.Undefined ? "{}" : entry.Data.GetRawText(),
        }, cancellationToken: ct));
        return inserted > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalEvent>> ListAsync(string runId, string nodeId, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from approval_events where run_id = @RunId and node_id = @NodeId order by at, key";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql, new { RunId = runId, NodeId = nodeId }, cancellationToken: ct));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalEvent>> ListAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from approval_events where run_id = @RunId order by at, node_id, key";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql, new { RunId = runId }, cancellationToken: ct));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    /// <inheritdoc />
    public async Task DeleteRunsAsync(IReadOnlyCollection<string> runIds, CancellationToken ct = default)
    {
        const string Sql = "delete from approval_events where run_id = @RunId";
        if (runIds.Count == 0) return;
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var runId in runIds) await connection.ExecuteAsync(new CommandDefinition(Sql, new { RunId = runId }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }

    private sealed class Row
    {
        public string RunId { get; set; } = "";

        public string NodeId { get; set; } = "";

        public string Key { get; set; } = "";

        public string Kind { get; set; } = "";

        public string Actor { get; set; } = "";

        public long At { get; set; }

        public string Data { get; set; } = "{}";

        public ApprovalEvent ToEvent() => new(RunId, NodeId, Key, Kind, Actor, UnixTime.To(At), JsonDocument.Parse(Data).RootElement.Clone());
    }
}
