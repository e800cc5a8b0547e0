using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Messaging;

/// <summary>Chat cards in SQLite's <c>chat_messages</c> table.</summary>
public sealed class SqliteChatCardStore(SqliteDatabase database, TimeProvider time) : IChatCardStore
{
    private const string Columns = "run_id, kind, node_id, target, message_id, last_error";

    /// <inheritdoc />
    public async Task<bool> AddAsync(ChatCard card, CancellationToken ct = default)
    {
        const string Sql = """
            insert into chat_messages (run_id, kind, node_id, target, message_id, created_at, updated_at)
            values (@RunId, @Kind, @NodeId, @Target, @MessageId, @Now, @Now)
            on conflict (run_id, kind, node_id) do nothing
            """;
        await using var connection = database.Open();
        var row = new { card.RunId, card.Kind, card.NodeId, card.Message.Target, card.Message.MessageId, Now = UnixTime.From(time.GetUtcNow()) };
        return await connection.ExecuteAsync(new CommandDefinition(Sql, row, cancellationToken: ct)) == 1;
    }

    /// <inheritdoc />
    public async Task<ChatCard?> FindAsync(string runId, string kind, string nodeId = "", CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from chat_messages where run_id = @RunId and kind = @Kind and node_id = @NodeId";
        await using var connection = database.Open();
        var row = await connection.QuerySingleOrDefaultAsync<CardRow>(new CommandDefinition(Sql, new { RunId = runId, Kind = kind, NodeId = nodeId }, cancellationToken: ct));
        return row?.ToCard();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatCard>> ListAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from chat_messages where run_id = @RunId order by kind desc, created_at, node_id";
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<CardRow>(new CommandDefinition(Sql, new { RunId = runId }, cancellationToken: ct));
        return rows.Select(r => r.ToCard()).ToArray();
    }

    /// <inheritdoc />
    public async Task SetErrorAsync(string runId, string kind, string nodeId, string? error, CancellationToken ct = default)
    {
        const string Sql = "update chat_messages set last_error = @Error, updated_at = @Now where run_id = @RunId and kind = @Kind and node_id = @NodeId";
        await using var connection = database.Open();
        await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { RunId = runId, Kind = kind, NodeId = nodeId, Error = error, Now = UnixTime.From(time.GetUtcNow()) }, cancellationToken: ct));
    }

    private sealed record CardRow(string RunId, string Kind, string NodeId, string Target, string MessageId, string? LastError)
    {
        public ChatCard ToCard() => new(RunId, Kind, NodeId, new PostedMessage(Target, MessageId), LastError);
    }
}
