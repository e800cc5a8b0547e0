using System.Text.Json;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Bot.Playground;

/// <summary>The Playground's channels and messages (<c>playground_channels</c>, <c>playground_messages</c>), on SQLite or PostgreSQL with one SQL text for both.</summary>
public sealed class PlaygroundStore(StoreDatabase database, TimeProvider time)
{
    /// <summary>How many messages a channel shows: the newest ones, so a busy channel still opens quickly.</summary>
    public const int ChannelPageSize = 200;

    // Every read counts the replies beside the message, so a channel list and a live update carry the same numbers.
    private const string MessageColumns = """
        m.id, m.channel, m.thread_id, m.author, m.from_bot, m.text, m.card, m.run_id, m.created_at, m.updated_at,
        (select count(*) from playground_messages r where r.thread_id = m.id) as reply_count
        """;

    /// <summary>Every channel, <c>general</c> first, then by name.</summary>
    public async Task<IReadOnlyList<PlaygroundChannelSummary>> ListChannelsAsync(CancellationToken ct)
    {
        const string Sql = "select name, created_at from playground_channels order by name <> 'general', name";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<ChannelRow>(new CommandDefinition(Sql, cancellationToken: ct));
        return rows.Select(r => new PlaygroundChannelSummary(r.Name, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt))).ToArray();
    }

    /// <summary>True when the channel exists.</summary>
    public async Task<bool> ChannelExistsAsync(string name, CancellationToken ct)
    {
        const string Sql = "select count(*) from playground_channels where name = @Name";
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql, new { Name = name }, cancellationToken: ct)) > 0;
    }

    /// <summary>Creates a channel; false when it already existed.</summary>
    public async Task<bool> CreateChannelAsync(string name, CancellationToken ct)
    {
        const string Sql = "insert into playground_channels (name, created_at) values (@Name, @Now) on conflict (name) do nothing";
        await using var connection = await database.OpenAsync(ct);
        var row = new { Name = name, Now = time.GetUtcNow().ToUnixTimeMilliseconds() };
        return await connection.ExecuteAsync(new CommandDefinition(Sql, row, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// The id of the first card the bot posted for run <paramref name="runId"/> in <paramref name="channel"/> (or in the
    /// thread of <paramref name="threadId"/>) since <paramref name="since"/>, or null.
    /// </summary>
    public async Task<long?> FindRunCardAsync(string channel, long? threadId, string runId, DateTimeOffset since, CancellationToken ct)
    {
        const string Sql = """
            select id from playground_messages
            where channel = @Channel and thread_id is not distinct from @ThreadId and run_id = @RunId and from_bot = 1 and card is not null and created_at >= @Since
            order by id limit 1
            """;
        await using var connection = await database.OpenAsync(ct);
        var row = new { Channel = channel, ThreadId = threadId, RunId = runId, Since = since.ToUnixTimeMilliseconds() };
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Sql, row, cancellationToken: ct));
    }

    /// <summary>Stores a message in <paramref name="channel"/>, or in the thread of <paramref name="threadId"/>.</summary>
    public async Task<PlaygroundMessage> AddAsync(
        string channel, long? threadId, string author, bool fromBot, string? text, JsonElement? card, string? runId, CancellationToken ct)
    {
        const string Sql = """
            insert into playground_messages (channel, thread_id, author, from_bot, text, card, run_id, created_at, updated_at)
            values (@Channel, @ThreadId, @Author, @FromBot, @Text, @Card, @RunId, @Now, @Now)
            returning id
            """;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var row = new { Channel = channel, ThreadId = threadId, Author = author, FromBot = fromBot ? 1 : 0, Text = text, Card = card?.GetRawText(), RunId = runId, Now = now };
        long id;
        await using (var connection = database.Open())
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql, row, cancellationToken: ct));
        }
        var created = DateTimeOffset.FromUnixTimeMilliseconds(now);
        return new PlaygroundMessage(id, channel, threadId, author, fromBot, text, card, runId, 0, created, created);
    }

    /// <summary>Replaces a message's text and card; null when there is no such message.</summary>
    public async Task<PlaygroundMessage?> UpdateAsync(long id, string? text, JsonElement? card, CancellationToken ct)
    {
        const string Sql = "update playground_messages set text = @Text, card = @Card, updated_at = @Now where id = @Id";
        var row = new { Id = id, Text = text, Card = card?.GetRawText(), Now = time.GetUtcNow().ToUnixTimeMilliseconds() };
        await using (var connection = database.Open())
        {
            if (await connection.ExecuteAsync(new CommandDefinition(Sql, row, cancellationToken: ct)) == 0) return null;
        }
        return await GetAsync(id, ct);
    }

    /// <summary>One message, or null.</summary>
    public async Task<PlaygroundMessage?> GetAsync(long id, CancellationToken ct)
    {
        const string Sql = $"select {MessageColumns} from playground_messages m where m.id = @Id";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<MessageRow>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        return row?.ToMessage();
    }

    /// <summary>The channel's newest <see cref="ChannelPageSize"/> messages (not replies), oldest first, with their reply counts.</summary>
    public async Task<IReadOnlyList<PlaygroundMessage>> ListChannelMessagesAsync(string channel, CancellationToken ct)
    {
        const string Sql = $"""
            select * from (
                select {MessageColumns} from playground_messages m
                where m.channel = @Channel and m.thread_id is null
                order by m.id desc limit @Limit
            ) as page order by id
            """;
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(Sql, new { Channel = channel, Limit = ChannelPageSize }, cancellationToken: ct));
        return rows.Select(r => r.ToMessage()).ToArray();
    }

    /// <summary>The thread started by <paramref name="rootId"/>, or null when that is not a message in a channel.</summary>
    public async Task<PlaygroundThread?> GetThreadAsync(long rootId, CancellationToken ct)
    {
        const string Sql = $"select {MessageColumns} from playground_messages m where m.thread_id = @RootId order by m.id";
        var root = await GetAsync(rootId, ct);
        if (root is null || root.ThreadId is not null) return null;
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(Sql, new { RootId = rootId }, cancellationToken: ct));
        return new PlaygroundThread(root, rows.Select(r => r.ToMessage()).ToArray());
    }

    private sealed class ChannelRow
    {
        public string Name { get; set; } = "";

        public long CreatedAt { get; set; }
    }

    private sealed class MessageRow
    {
        public long Id { get; set; }

        public string Channel { get; set; } = "";

        public long? ThreadId { get; set; }

        public string Author { get; set; } = "";

        public long FromBot { get; set; }

        public string? Text { get; set; }

        public string? Card { get; set; }

        public string? RunId { get; set; }

        public long ReplyCount { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public PlaygroundMessage ToMessage() => new(
            Id, Channel, ThreadId, Author, FromBot != 0, Text, Card is null ? null : JsonElement.Parse(Card), RunId, (int)ReplyCount,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }
}
