using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The workspace store's behaviour, the same on every database (README §Workspaces and roles).</summary>
public abstract class WorkspaceStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private DatabaseWorkspaceStore Store => new(Database);

    [Fact]
    public async Task ListAsync_NewDatabase_HoldsOnlyTheOpenDefaultWorkspace()
    {
        var workspace = Assert.Single(await Store.ListAsync());

        Assert.Equal(("default", "Default"), (workspace.Id, workspace.Name));
        Assert.Equal(WorkspacePolicy.Open, workspace.Policy);
        Assert.Empty(workspace.Channels);
    }

    [Fact]
    public async Task CreateAsync_WithPolicyAndChannels_ReadsBackTheSame()
    {
        var hr = new Workspace("hr", "People team", new WorkspacePolicy(NodeKinds: ["http", "message"], HttpHosts: ["*.corp.example"], Workflows: []), ["slack:C012"], Nine);

        Assert.True(await Store.CreateAsync(hr));

        var read = (await Store.GetAsync("hr"))!;
        Assert.Equal(("hr", "People team", Nine), (read.Id, read.Name, read.CreatedAt));
        Assert.Equal(["http", "message"], read.Policy.NodeKinds!);
        Assert.Equal(["*.corp.example"], read.Policy.HttpHosts!);
        Assert.Empty(read.Policy.Workflows!);
        Assert.Null(read.Policy.Connections);
        Assert.Equal(["slack:C012"], read.Channels);
        Assert.Equal(["default", "hr"], (await Store.ListAsync()).Select(w => w.Id));
    }

    [Fact]
    public async Task CreateAsync_IdTaken_ReturnsFalseAndKeepsTheFirst()
    {
        await Store.CreateAsync(new Workspace("ops", "Ops", WorkspacePolicy.Open, [], Nine));

        var again = await Store.CreateAsync(new Workspace("ops", "Other", WorkspacePolicy.Open, [], Nine));

        Assert.False(again);
        Assert.Equal("Ops", (await Store.GetAsync("ops"))!.Name);
    }

    [Fact]
    public async Task GetAsync_UpdatedThroughTheSameStore_ReadsTheNewPolicyAtOnce()
    {
        var store = new DatabaseWorkspaceStore(Database);
        await store.CreateAsync(new Workspace("ops", "Ops", WorkspacePolicy.Open, [], Nine));
        var before = await store.GetAsync("ops");

        await store.UpdateAsync(new Workspace("ops", "Ops", new WorkspacePolicy(NodeKinds: ["transform"]), [], Nine));
        var after = await store.GetAsync("ops");

        Assert.Equal(WorkspacePolicy.Open, before!.Policy);
        Assert.Equal(["transform"], after!.Policy.NodeKinds!);
    }

    [Fact]
    public async Task GetAsync_UpdatedByAnotherInstance_IsReadAgainOnceASecondHasPassed()
    {
        var time = new FakeTimeProvider(Nine);
        var here = new DatabaseWorkspaceStore(Database, time);
        var elsewhere = new DatabaseWorkspaceStore(await SecondInstanceAsync(), time);
        await here.CreateAsync(new Workspace("ops", "Ops", WorkspacePolicy.Open, [], Nine));
        await here.GetAsync("ops");

        await elsewhere.UpdateAsync(new Workspace("ops", "Ops", new WorkspacePolicy(NodeKinds: ["transform"]), [], Nine));
        time.Advance(DatabaseWorkspaceStore.CacheFor);
        var read = await here.GetAsync("ops");

        Assert.Equal(["transform"], read!.Policy.NodeKinds!);
    }

    [Fact]
    public async Task UpdateAsync_ChangesNamePolicyAndChannelsButNotCreatedAt_AndMissingIsFalse()
    {
        await Store.CreateAsync(new Workspace("ops", "Ops", WorkspacePolicy.Open, [], Nine));

        var changed = await Store.UpdateAsync(new Workspace("ops", "Operations", new WorkspacePolicy(Connections: ["pager"]), ["teams:19:abc"], Nine.AddDays(1)));
        var missing = await Store.UpdateAsync(new Workspace("nobody", "Nobody", WorkspacePolicy.Open, [], Nine));

        Assert.True(changed);
        Assert.False(missing);
        var read = (await Store.GetAsync("ops"))!;
        Assert.Equal(("Operations", Nine), (read.Name, read.CreatedAt));
        Assert.Equal(["pager"], read.Policy.Connections!);
        Assert.Equal(["teams:19:abc"], read.Channels);
        Assert.Null(await Store.GetAsync("nobody"));
    }
}

public sealed class SqliteWorkspaceStoreTests() : WorkspaceStoreTests(StorageProvider.Sqlite);

public sealed class PostgresWorkspaceStoreTests() : WorkspaceStoreTests(StorageProvider.Postgres);
