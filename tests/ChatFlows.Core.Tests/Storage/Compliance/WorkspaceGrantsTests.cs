using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The grant store's behaviour, the same on every database.</summary>
public abstract class WorkspaceGrantsTests(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private DatabaseWorkspaceGrants Store => new(Database);

    [Fact]
    public async Task ListAsync_MigratedDatabase_DefaultGrantsTodaysAccess()
    {
        var grants = await Store.ListAsync(WorkspaceIds.Default);

        Assert.Equal(
            [("local", Role.Admin), ("playground:*", Role.Runner), ("signed-in:*", Role.Admin), ("slack:*", Role.Runner), ("teams:*", Role.Runner)],
            grants.Select(g => (g.Principal, g.Role)));
        Assert.Empty(await Store.ListAsync("hr"));
    }

    [Fact]
    public async Task SetAsync_SamePrincipalTwice_KeepsTheLatestRoleAndWhoGaveIt()
    {
        await Store.SetAsync(new WorkspaceGrant("hr", "email:ana@corp.example", Role.Viewer, "local", Nine));
        await Store.SetAsync(new WorkspaceGrant("hr", "email:ana@corp.example", Role.Editor, "email:boss@corp.example", Nine.AddMinutes(1)));

        var grant = Assert.Single(await Store.ListAsync("hr"));

        Assert.Equal(new WorkspaceGrant("hr", "email:ana@corp.example", Role.Editor, "email:boss@corp.example", Nine.AddMinutes(1)), grant);
    }

    [Fact]
    public async Task SetAsync_SamePrincipalInTwoWorkspaces_KeepsEachRoleApart()
    {
        await Store.SetAsync(new WorkspaceGrant("hr", "group:finance", Role.Admin, "local", Nine));
        await Store.SetAsync(new WorkspaceGrant("ops", "group:finance", Role.Viewer, "local", Nine));

        Assert.Equal(Role.Admin, Assert.Single(await Store.ListAsync("hr")).Role);
        Assert.Equal(Role.Viewer, Assert.Single(await Store.ListAsync("ops")).Role);
    }

    [Fact]
    public async Task RemoveAsync_GrantedThenRemovedFromASecondInstance_IsGoneForBoth()
    {
        await Store.SetAsync(new WorkspaceGrant("hr", "slack:U012AB3CD", Role.Runner, "local", Nine));
        var second = new DatabaseWorkspaceGrants(await SecondInstanceAsync());

        var removed = await second.RemoveAsync("hr", "slack:U012AB3CD");
        var again = await second.RemoveAsync("hr", "slack:U012AB3CD");

        Assert.True(removed);
        Assert.False(again);
        Assert.Empty(await Store.ListAsync("hr"));
    }
}

public sealed class SqliteWorkspaceGrantsTests() : WorkspaceGrantsTests(StorageProvider.Sqlite);

public sealed class PostgresWorkspaceGrantsTests() : WorkspaceGrantsTests(StorageProvider.Postgres);
