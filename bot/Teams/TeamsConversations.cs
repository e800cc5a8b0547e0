using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The conversation references of the Teams conversations the bot is in (table <c>teams_conversations</c>): saved
/// from every inbound activity, read to post proactively, retired when the bot is removed.
/// </summary>
public sealed class TeamsConversations(StoreDatabase database, TimeProvider time)
{
    private const string Columns = "conversation_id, service_url, tenant_id, kind, team_id, channel_id, bot_id, name, retired_at, activity_channel_id";

    /// <summary>Stores <paramref name="reference"/>, or brings the stored one up to date (an activity also un-retires it).</summary>
    public async Task SaveAsync(TeamsConversationReference reference, CancellationToken ct)
    {
        const string Sql = """
            insert into teams_conversations
                (conversation_id, service_url, tenant_id, kind, team_id, channel_id, bot_id, name, activity_channel_id, added_at, updated_at, retired_at)
            values (@ConversationId, @ServiceUrl, @TenantId, @Kind, @TeamId, @ChannelId, @BotId, @Name, @ActivityChannelId, @Now, @Now, null)
            on conflict (conversation_id) do update set
                service_url = excluded.service_url,
                tenant_id = coalesce(excluded.tenant_id, teams_conversations.tenant_id),
                kind = excluded.kind,
                team_id = coalesce(excluded.team_id, teams_conversations.team_id),
                channel_id = coalesce(excluded.channel_id, teams_conversations.channel_id),
                bot_id = excluded.bot_id,
                name = coalesce(excluded.name, teams_conversations.name),
                activity_channel_id = excluded.activity_channel_id,
                updated_at = excluded.updated_at,
                retired_at = null
            """;
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            reference.ConversationId,
            reference.ServiceUrl,
            reference.TenantId,
            reference.Kind,
            reference.TeamId,
            reference.ChannelId,
            reference.BotId,
            reference.Name,
            reference.ActivityChannelId,
            Now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
    }

    /// <summary>The stored reference of <paramref name="conversationId"/> (without a thread), retired or not; null when none.</summary>
    public async Task<TeamsConversationReference?> FindAsync(string conversationId, CancellationToken ct)
    {
        const string Sql = $"select {Columns} from teams_conversations where conversation_id = @ConversationId";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql, new { ConversationId = conversationId }, cancellationToken: ct));
        return row?.ToReference();
    }

    /// <summary>Every stored reference, the newest first.</summary>
    public async Task<IReadOnlyList<TeamsConversationReference>> ListAsync(CancellationToken ct)
    {
        const string Sql = $"select {Columns} from teams_conversations order by updated_at desc";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql, cancellationToken: ct));
        return rows.Select(r => r.ToReference()).ToArray();
    }

    /// <summary>
    /// Marks the conversation retired, and with a <paramref name="teamId"/> every channel of that team (the bot left the
    /// whole team). Returns how many references were retired.
    /// </summary>
    public async Task<int> RetireAsync(string conversationId, string? teamId, CancellationToken ct)
    {
        const string Sql = """
            update teams_conversations set retired_at = @Now, updated_at = @Now
            where retired_at is null and (conversation_id = @ConversationId or (@TeamId is not null and team_id = @TeamId))
            """;
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { ConversationId = conversationId, TeamId = teamId, Now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    private sealed class Row
    {
        public string ConversationId { get; init; } = "";
        public string ServiceUrl { get; init; } = "";
        public string? TenantId { get; init; }
        public string Kind { get; init; } = "";
        public string? TeamId { get; init; }
        public string? ChannelId { get; init; }
        public string BotId { get; init; } = "";
        public string? Name { get; init; }
        public long? RetiredAt { get; init; }
        public string ActivityChannelId { get; init; } = TeamsConversationReference.MsTeams;

        public TeamsConversationReference ToReference() => new(
            ConversationId, ServiceUrl, TenantId, Kind, TeamId, ChannelId, BotId, Name,
            RetiredAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, ActivityChannelId);
    }
}
