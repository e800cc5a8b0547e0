using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Teams;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Storage;

/// <summary>Teams' conversation references, the same on every database.</summary>
public abstract class TeamsConversationsTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected override IEnumerable<MigrationArea> Areas => [BotMigrations.Area];

    private TeamsConversations Conversations => new(Database, _time);

    [Fact]
    public async Task SaveAsync_NewConversation_IsFoundWithEveryField()
    {
        var reference = Channel("19:general@thread.tacv2", "team-1") with { ActivityChannelId = "emulator" };

        await Conversations.SaveAsync(reference, CancellationToken.None);

        Assert.Equal(reference, await Conversations.FindAsync(reference.ConversationId, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_LaterActivityWithoutTenantOrName_KeepsTheStoredOnes()
    {
        await Conversations.SaveAsync(Channel("19:a@thread.tacv2", "team-1"), CancellationToken.None);

        await Conversations.SaveAsync(Channel("19:a@thread.tacv2", "team-1") with { TenantId = null, Name = null, ServiceUrl = "https://smba.example/emea/" }, CancellationToken.None);

        var stored = (await Conversations.FindAsync("19:a@thread.tacv2", CancellationToken.None))!;
        Assert.Equal(("tenant-1", "Sales", "https://smba.example/emea/"), (stored.TenantId, stored.Name, stored.ServiceUrl));
    }

    [Fact]
    public async Task RetireAsync_BotLeftTheTeam_RetiresEveryChannelOfItAndAnActivityBringsOneBack()
    {
        await Conversations.SaveAsync(Channel("19:a@thread.tacv2", "team-1"), CancellationToken.None);
        await Conversations.SaveAsync(Channel("19:b@thread.tacv2", "team-1"), CancellationToken.None);
        await Conversations.SaveAsync(Channel("19:c@thread.tacv2", "team-2"), CancellationToken.None);

        var retired = await Conversations.RetireAsync("19:a@thread.tacv2", "team-1", CancellationToken.None);

        Assert.Equal(2, retired);
        Assert.Equal(["19:a@thread.tacv2", "19:b@thread.tacv2"],
            (await Conversations.ListAsync(CancellationToken.None)).Where(c => c.RetiredAt == _time.GetUtcNow()).Select(c => c.ConversationId).Order());
        _time.Advance(TimeSpan.FromMinutes(1));
        await Conversations.SaveAsync(Channel("19:b@thread.tacv2", "team-1"), CancellationToken.None);
        Assert.Null((await Conversations.FindAsync("19:b@thread.tacv2", CancellationToken.None))!.RetiredAt);
        Assert.Equal("19:b@thread.tacv2", (await Conversations.ListAsync(CancellationToken.None))[0].ConversationId);
    }

    [Fact]
    public async Task RetireAsync_PersonalChatWithoutTeam_RetiresOnlyIt()
    {
        await Conversations.SaveAsync(Channel("a:personal", null) with { Kind = TeamsConversationReference.Personal }, CancellationToken.None);
        await Conversations.SaveAsync(Channel("19:c@thread.tacv2", "team-2"), CancellationToken.None);

        Assert.Equal(1, await Conversations.RetireAsync("a:personal", null, CancellationToken.None));
        Assert.Null((await Conversations.FindAsync("19:c@thread.tacv2", CancellationToken.None))!.RetiredAt);
    }

    private static TeamsConversationReference Channel(string id, string? teamId) =>
        new(id, "https://smba.example/amer/", "tenant-1", "channel", teamId, id, "28:app", "Sales");
}

public sealed class SqliteTeamsConversationsTests() : TeamsConversationsTests(StorageProvider.Sqlite);

public sealed class PostgresTeamsConversationsTests() : TeamsConversationsTests(StorageProvider.Postgres);
