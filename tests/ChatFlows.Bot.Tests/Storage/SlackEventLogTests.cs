using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Slack;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Storage;

/// <summary>Slack's event ids, taken once whichever instance a delivery reaches, on every database.</summary>
public abstract class SlackEventLogTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected override IEnumerable<MigrationArea> Areas => [BotMigrations.Area];

    private SlackEventLog Log => new(Database, _time);

    [Fact]
    public async Task FirstTimeAsync_RetriedDelivery_FalseTheSecondTime()
    {
        Assert.True(await Log.FirstTimeAsync("Ev01", CancellationToken.None));

        Assert.False(await Log.FirstTimeAsync("Ev01", CancellationToken.None));
        Assert.True(await Log.FirstTimeAsync("Ev02", CancellationToken.None));
    }

    [Fact]
    public async Task FirstTimeAsync_AfterTheIdIsForgotten_TrueAgain()
    {
        await Log.FirstTimeAsync("Ev01", CancellationToken.None);
        _time.Advance(SlackEventLog.KeepFor + TimeSpan.FromMinutes(1));

        Assert.True(await Log.FirstTimeAsync("Ev01", CancellationToken.None));
    }

    [Fact]
    public async Task FirstTimeAsync_TwoInstancesGivenTheSameEventAtOnce_ExactlyOneTakesIt()
    {
        var logs = new[] { Log, new SlackEventLog(await SecondInstanceAsync(), _time) };

        for (var round = 0; round < 20; round++)
        {
            var eventId = $"Ev{round:D3}";
            var taken = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => logs[i % 2].FirstTimeAsync(eventId, CancellationToken.None))));

            Assert.Single(taken, t => t);
        }
    }
}

public sealed class SqliteSlackEventLogTests() : SlackEventLogTests(StorageProvider.Sqlite);

public sealed class PostgresSlackEventLogTests() : SlackEventLogTests(StorageProvider.Postgres);
