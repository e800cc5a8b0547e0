using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Remembers the Events API deliveries already taken (by <c>event_id</c>), so a retried delivery
/// (<c>X-Slack-Retry-Num</c>) is answered without acting twice, on whichever instance it lands.
/// </summary>
public sealed class SlackEventLog(StoreDatabase database, TimeProvider time)
{
    /// <summary>Slack retries for about an hour; ids are kept a day.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);

    /// <summary>
    /// True the first time <paramref name="eventId"/> is seen; false for a repeat. The insert is the claim: the key
    /// refuses a second row, so of two instances given the same delivery at once exactly one is told true.
    /// </summary>
    public async Task<bool> FirstTimeAsync(string eventId, CancellationToken ct)
    {
        const string ForgetSql = "delete from slack_events where received_at < @Before";
        const string ClaimSql = "insert into slack_events (event_id, received_at) values (@EventId, @Now) on conflict (event_id) do nothing";
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(ForgetSql, new { Before = (now - KeepFor).ToUnixTimeMilliseconds() }, cancellationToken: ct));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(ClaimSql, new { EventId = eventId, Now = now.ToUnixTimeMilliseconds() }, cancellationToken: ct));
        return inserted == 1;
    }
}
