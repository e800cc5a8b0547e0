using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Messaging;

/// <summary>Chat cards in the <c>chat_messages</c> table, on SQLite or PostgreSQL with one SQL text for both.</summary>
public sealed class DatabaseChatCardStore(StoreDatabase database, TimeProvider time) : IChatCardStore
{
    private const string Columns = "run_id, kind, node_id, target, message_id, last_error, attempted_at, failed_at, created_at";

    private const string Key = "run_id = @RunId and kind = @Kind and node_id = @NodeId";

    /// <inheritdoc />
    public Task<bool> AddAsync(ChatCard card, CancellationToken ct = default) => InsertAsync(card, card.Message.MessageId, ct);

    /// <inheritdoc />
    public Task<bool> AddIntentAsync(ChatCard intent, CancellationToken ct = default) => InsertAsync(intent, null, ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatCard>> ListPendingAsync(CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from chat_messages where message_id is null and failed_at is null order by created_at, run_id, kind desc, node_id";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<CardRow>(new CommandDefinition(Sql, cancellationToken: ct));
        return rows.Select(r => r.ToCard()).ToArray();
    }

    /// <inheritdoc />
    public async Task<bool> TryMarkAttemptedAsync(string runId, string kind, string nodeId, DateTimeOffset at, DateTimeOffset? previous, CancellationToken ct = default)
    {
        // Compare and set on attempted_at: two instances reading the same pending card cannot both claim its post.
        const string Sql = $"""
            update chat_messages set attempted_at = @At, attempts = attempts + 1, updated_at = @Now
            where {Key} and message_id is null and failed_at is null
              and (attempted_at = @Previous or (attempted_at is null and @Previous is null))
            """;
        return await UpdateAsync(Sql, runId, kind, nodeId, new { At = UnixTime.From(at), Previous = UnixTime.From(previous) }, ct) == 1;
    }

    /// <inheritdoc />
    public Task RecordPostedAsync(string runId, string kind, string nodeId, PostedMessage message, CancellationToken ct = default) =>
        UpdateAsync(
            $"update chat_messages set target = @Target, message_id = @MessageId, failed_at = null, last_error = null, updated_at = @Now where {Key}",
            runId, kind, nodeId, new { message.Target, message.MessageId }, ct);

    /// <inheritdoc />
    public Task RecordFailedAsync(string runId, string kind, string nodeId, string error, CancellationToken ct = default) =>
        UpdateAsync($"update chat_messages set failed_at = @Now, last_error = @Error, updated_at = @Now where {Key} and message_id is null", runId, kind, nodeId, new { Error = error }, ct);

    /// <inheritdoc />
    public Task DeleteAsync(string runId, string kind, string nodeId, CancellationToken ct = default) =>
        UpdateAsync($"delete from chat_messages where {Key} and message_id is null", runId, kind, nodeId, new { }, ct);

    /// <inheritdoc />
    public async Task<ChatCard?> FindAsync(string runId, string kind, string nodeId = "", CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from chat_messages where {Key}";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<CardRow>(new CommandDefinition(Sql, new { RunId = runId, Kind = kind, NodeId = nodeId }, cancellationToken: ct));
        return row?.ToCard();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatCard>> ListAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from chat_messages where run_id = @RunId order by kind desc, created_at, node_id";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<CardRow>(new CommandDefinition(Sql, new { RunId = runId }, cancellationToken: ct));
        return rows.Select(r => r.ToCard()).ToArray();
    }

    /// <inheritdoc />
    public Task SetErrorAsync(string runId, string kind, string nodeId, string? error, CancellationToken ct = default) =>
        UpdateAsync($"update chat_messages set last_error = @Error, updated_at = @Now where {Key}", runId, kind, nodeId, new { Error = error }, ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListRunsInThreadAsync(string thread, CancellationToken ct = default)
    {
        // A card posted into the thread has the thread as its target; a card that started the thread is its root message.
        const string Sql = """
            select run_id from chat_messages
            where kind = 'progress' and message_id is not null and (target = @Thread or (target = @Channel and message_id = @Root))
            order by created_at desc, run_id desc limit 50
            """;
        var hash = thread.LastIndexOf('#');
        if (hash <= 0 || hash == thread.Length - 1) return [];
        await using var connection = await database.OpenAsync(ct);
        var row = new { Thread = thread, Channel = thread[..hash], Root = thread[(hash + 1)..] };
        return (await connection.QueryAsync<string>(new CommandDefinition(Sql, row, cancellationToken: ct))).ToArray();
    }

    private async Task<bool> InsertAsync(ChatCard card, string? messageId, CancellationToken ct)
    {
        const string Sql = """
            insert into chat_messages (run_id, kind, node_id, target, message_id, created_at, updated_at)
            values (@RunId, @Kind, @NodeId, @Target, @MessageId, @Now, @Now)
            on conflict (run_id, kind, node_id) do nothing
            """;
        await using var connection = await database.OpenAsync(ct);
        var row = new { card.RunId, card.Kind, card.NodeId, card.Message.Target, MessageId = messageId, Now = UnixTime.From(time.GetUtcNow()) };
        return await connection.ExecuteAsync(new CommandDefinition(Sql, row, cancellationToken: ct)) == 1;
    }

    private async Task<int> UpdateAsync(string sql, string runId, string kind, string nodeId, object values, CancellationToken ct)
    {
        var parameters = new DynamicParameters(values);
        parameters.AddDynamicParams(new { RunId = runId, Kind = kind, NodeId = nodeId, Now = UnixTime.From(time.GetUtcNow()) });
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private sealed record CardRow(string RunId, string Kind, string NodeId, string Target, string? MessageId, string? LastError, long? AttemptedAt, long? FailedAt, long CreatedAt)
    {
        public ChatCard ToCard() => new(RunId, Kind, NodeId, new PostedMessage(Target, MessageId ?? ""), LastError)
        {
            AttemptedAt = UnixTime.To(AttemptedAt),
            FailedAt = UnixTime.To(FailedAt),
            CreatedAt = UnixTime.To(CreatedAt),
        };
    }
}
