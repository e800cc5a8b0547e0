using System.Text.Json;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Playground;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Storage;

/// <summary>The Playground's channels and messages, the same on every database.</summary>
public abstract class PlaygroundStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly JsonElement Card = JsonElement.Parse("""{"type":"AdaptiveCard","body":[]}""");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected override IEnumerable<MigrationArea> Areas => [BotMigrations.Area];

    private PlaygroundStore Store => new(Database, _time);

    [Fact]
    public async Task ListChannelsAsync_NewDatabase_HasGeneral()
    {
        await Store.CreateChannelAsync("alerts", CancellationToken.None);

        var channels = await Store.ListChannelsAsync(CancellationToken.None);

        Assert.Equal(["general", "alerts"], channels.Select(c => c.Name));
        Assert.True(await Store.ChannelExistsAsync("general", CancellationToken.None));
    }

    [Fact]
    public async Task CreateChannelAsync_NameTaken_False()
    {
        Assert.True(await Store.CreateChannelAsync("alerts", CancellationToken.None));

        Assert.False(await Store.CreateChannelAsync("alerts", CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_MessageAndReplies_ChannelShowsTheMessageWithItsReplyCount()
    {
        var root = await Store.AddAsync("general", null, "Ada", fromBot: false, "/run digest", null, null, CancellationToken.None);
        var reply = await Store.AddAsync("general", root.Id, "ChatFlows", fromBot: true, null, Card, "run-1", CancellationToken.None);
        await Store.AddAsync("general", root.Id, "Ada", fromBot: false, "thanks", null, null, CancellationToken.None);

        var channel = Assert.Single(await Store.ListChannelMessagesAsync("general", CancellationToken.None));
        var thread = (await Store.GetThreadAsync(root.Id, CancellationToken.None))!;

        Assert.Equal((root.Id, 2), (channel.Id, channel.ReplyCount));
        Assert.Equal([reply.Id, reply.Id + 1], thread.Replies.Select(r => r.Id));
        Assert.Equal(("ChatFlows", true, "run-1"), (thread.Replies[0].Author, thread.Replies[0].FromBot, thread.Replies[0].RunId));
        Assert.Equal(Card.GetRawText(), thread.Replies[0].Card?.GetRawText());
        Assert.Null(await Store.GetThreadAsync(reply.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ListChannelMessagesAsync_BusyChannel_NewestPageOldestFirst()
    {
        for (var i = 0; i < PlaygroundStore.ChannelPageSize + 5; i++)
        {
            await Store.AddAsync("general", null, "Ada", fromBot: false, $"m{i}", null, null, CancellationToken.None);
        }

        var page = await Store.ListChannelMessagesAsync("general", CancellationToken.None);

        Assert.Equal(PlaygroundStore.ChannelPageSize, page.Count);
        Assert.Equal(("m5", $"m{PlaygroundStore.ChannelPageSize + 4}"), (page[0].Text, page[^1].Text));
    }

    [Fact]
    public async Task FindRunCardAsync_CardInChannelAndInThread_EachFoundWhereItWasPosted()
    {
        var since = _time.GetUtcNow();
        var root = await Store.AddAsync("general", null, "Ada", fromBot: false, "go", null, null, CancellationToken.None);
        var inChannel = await Store.AddAsync("general", null, "ChatFlows", fromBot: true, null, Card, "run-1", CancellationToken.None);
        var inThread = await Store.AddAsync("general", root.Id, "ChatFlows", fromBot: true, null, Card, "run-2", CancellationToken.None);

        Assert.Equal(inChannel.Id, await Store.FindRunCardAsync("general", null, "run-1", since, CancellationToken.None));
        Assert.Equal(inThread.Id, await Store.FindRunCardAsync("general", root.Id, "run-2", since, CancellationToken.None));
        Assert.Null(await Store.FindRunCardAsync("general", null, "run-2", since, CancellationToken.None));
        Assert.Null(await Store.FindRunCardAsync("general", null, "run-1", since.AddSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_ExistingAndMissing_ReplacesTextOrReturnsNull()
    {
        var message = await Store.AddAsync("general", null, "ChatFlows", fromBot: true, "running", null, "run-1", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        var updated = await Store.UpdateAsync(message.Id, "done", Card, CancellationToken.None);

        Assert.Equal(("done", message.CreatedAt.AddSeconds(3)), (updated!.Text, updated.UpdatedAt));
        Assert.Null(await Store.UpdateAsync(message.Id + 100, "x", null, CancellationToken.None));
    }
}

public sealed class SqlitePlaygroundStoreTests() : PlaygroundStoreTests(StorageProvider.Sqlite);

public sealed class PostgresPlaygroundStoreTests() : PlaygroundStoreTests(StorageProvider.Postgres);
