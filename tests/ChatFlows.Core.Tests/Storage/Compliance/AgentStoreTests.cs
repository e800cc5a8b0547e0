using ChatFlows.Core.Agents;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The agent store's behaviour, the same on every database.</summary>
public abstract class AgentStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private DatabaseAgentStore Store => new(Database, _time);

    [Fact]
    public async Task CreateAsync_NewAgent_IsReadBackWithVersionOneAndItsDates()
    {
        await Store.CreateAsync(Agent("summarizer", "Sums up"));

        var agent = await Store.GetAsync("summarizer");

        Assert.NotNull(agent);
        Assert.Equal("Sums up", agent.Instructions);
        Assert.Equal(1, agent.Version);
        Assert.Equal(_time.GetUtcNow(), agent.CreatedAt);
        Assert.Equal(["summarizer"], (await Store.ListAsync()).Select(a => a.Id));
    }

    [Fact]
    public async Task CreateAsync_IdTaken_ReturnsNullAndKeepsTheFirst()
    {
        await Store.CreateAsync(Agent("summarizer", "first"));

        var second = await Store.CreateAsync(Agent("summarizer", "second"));

        Assert.Null(second);
        Assert.Equal("first", (await Store.GetAsync("summarizer"))!.Instructions);
    }

    [Fact]
    public async Task SaveAsync_ExpectedVersionIsCurrent_BumpsVersionAndKeepsCreatedAt()
    {
        var created = (await Store.CreateAsync(Agent("summarizer", "v1")))!;
        _time.Advance(TimeSpan.FromMinutes(5));

        var saved = await Store.SaveAsync(Agent("summarizer", "v2"), expectedVersion: 1);

        Assert.NotNull(saved);
        Assert.Equal(2, saved.Version);
        var read = (await Store.GetAsync("summarizer"))!;
        Assert.Equal(("v2", 2, created.CreatedAt, _time.GetUtcNow()), (read.Instructions, read.Version, read.CreatedAt, read.UpdatedAt));
    }

    [Fact]
    public async Task SaveAsync_StaleVersion_ReturnsNullAndKeepsTheNewer()
    {
        await Store.CreateAsync(Agent("summarizer", "v1"));
        await Store.SaveAsync(Agent("summarizer", "v2"), expectedVersion: 1);

        var stale = await Store.SaveAsync(Agent("summarizer", "from an old page"), expectedVersion: 1);

        Assert.Null(stale);
        Assert.Equal("v2", (await Store.GetAsync("summarizer"))!.Instructions);
    }

    [Fact]
    public async Task SaveAsync_NoExpectedVersion_Overwrites()
    {
        await Store.CreateAsync(Agent("summarizer", "v1"));

        var saved = await Store.SaveAsync(Agent("summarizer", "forced"), expectedVersion: null);

        Assert.Equal(2, saved?.Version);
    }

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_TrueThenFalse()
    {
        await Store.CreateAsync(Agent("summarizer", "v1"));

        Assert.True(await Store.DeleteAsync("summarizer"));
        Assert.False(await Store.DeleteAsync("summarizer"));
        Assert.Null(await Store.GetAsync("summarizer"));
    }

    [Fact]
    public async Task SaveAsync_TwoInstancesSaveTheSameVersionAtOnce_ExactlyOneWins()
    {
        await Store.CreateAsync(Agent("summarizer", "v1"));
        var other = new DatabaseAgentStore(await SecondInstanceAsync(), _time);

        var saves = await Task.WhenAll(
            Task.Run(() => Store.SaveAsync(Agent("summarizer", "from A"), expectedVersion: 1)),
            Task.Run(() => other.SaveAsync(Agent("summarizer", "from B"), expectedVersion: 1)));

        var winner = Assert.Single(saves, s => s is not null);
        Assert.Equal(winner!.Instructions, (await Store.GetAsync("summarizer"))!.Instructions);
    }

    [Fact]
    public async Task CreateAsync_InAWorkspace_IsListedThereOnlyAndReadBackWithIt()
    {
        await Store.CreateAsync(Agent("payroll-helper", "HR only") with { Workspace = "hr" });
        await Store.CreateAsync(Agent("summarizer", "Everyone"));

        Assert.Equal("hr", (await Store.GetAsync("payroll-helper"))!.Workspace);
        Assert.Equal(["payroll-helper"], (await Store.ListAsync("hr")).Select(a => a.Id));
        Assert.Equal(["summarizer"], (await Store.ListAsync(WorkspaceIds.Default)).Select(a => a.Id));
    }

    [Fact]
    public async Task CreateAsync_IdTakenInAnotherWorkspace_ReturnsNull()
    {
        await Store.CreateAsync(Agent("summarizer", "hr's") with { Workspace = "hr" });

        Assert.Null(await Store.CreateAsync(Agent("summarizer", "ops's") with { Workspace = "ops" }));
        Assert.Equal("hr's", (await Store.GetAsync("summarizer"))!.Instructions);
    }

    [Fact]
    public async Task SaveAsync_FromAnotherWorkspace_ChangesNothing()
    {
        await Store.CreateAsync(Agent("summarizer", "hr's") with { Workspace = "hr" });

        Assert.Null(await Store.SaveAsync(Agent("summarizer", "taken over") with { Workspace = "ops" }, null));

        var kept = (await Store.GetAsync("summarizer"))!;
        Assert.Equal(("hr", "hr's", 1), (kept.Workspace, kept.Instructions, kept.Version));
    }

    private static AgentDefinition Agent(string id, string instructions) => new() { Id = id, Name = id, Instructions = instructions };
}

public sealed class SqliteAgentStoreTests() : AgentStoreTests(StorageProvider.Sqlite);

public sealed class PostgresAgentStoreTests() : AgentStoreTests(StorageProvider.Postgres);
