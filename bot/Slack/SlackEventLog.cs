using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Remembers the Events API deliveries already taken (by <c>event_id</c>), so a retried delivery
/// (<c>X-Slack-Retry-Num</c>) is answered without acting twice, on whichever instance it lands.
/// </summary>
public sealed class SlackEventLog(SqliteDatabase database, TimeProvider time)
{
    /// <summary>Slack retries for about an hour; ids are kept a day.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);

    /// <summary>True the first time <paramref name="eventId"/> is seen; false for a repeat.</summary>
    public async Task<bool> FirstTimeAsync(string eventId, CancellationToken ct)
    {
        const string Sql = """
            delete from slack_events where received_at < @Before;
            insert into slack_events (event_id, received_at) values (@EventId, @Now) on conflict (event_id) do nothing;
            select changes();
            """;
        var now = time.GetUtcNow();
        await using var connection = database.Open();
        var inserted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Sql, new { EventId = eventId, Now = now.ToUnixTimeMilliseconds(), Before = (now - KeepFor).ToUnixTimeMilliseconds() }, cancellationToken: ct));
        return inserted == 1;
    }
}
