using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The secret store's behaviour, the same on every database.</summary>
public abstract class SecretStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private DatabaseSecretStore Store => new(Database, new ReversingProtector(), _time);

    [Fact]
    public async Task SetAsync_NewValue_IsStoredEncryptedAndLoadedInClear()
    {
        var created = await Store.SetAsync("SLACK_TOKEN", "xoxb-123");

        Assert.True(created);
        Assert.Equal("xoxb-123", (await Store.LoadAsync())["SLACK_TOKEN"]);
        await using var connection = await Database.OpenAsync();
        Assert.Equal("enc:321-bxox", await connection.ExecuteScalarAsync<string>("select value from secrets where name = 'SLACK_TOKEN'"));
    }

    [Fact]
    public async Task SetAsync_ExistingName_ReplacesValueAndSaysItWasNotNew()
    {
        await Store.SetAsync("SLACK_TOKEN", "old");
        _time.Advance(TimeSpan.FromMinutes(1));

        var created = await Store.SetAsync("SLACK_TOKEN", "new");

        Assert.False(created);
        Assert.Equal("new", (await Store.LoadAsync())["SLACK_TOKEN"]);
        var info = Assert.Single(await Store.ListAsync());
        Assert.Equal(info.CreatedAt + TimeSpan.FromMinutes(1), info.UpdatedAt);
    }

    [Fact]
    public async Task SetAsync_TwiceInOneMillisecond_SecondIsNotNew()
    {
        Assert.True(await Store.SetAsync("SLACK_TOKEN", "old"));

        Assert.False(await Store.SetAsync("SLACK_TOKEN", "new"));
        Assert.Equal("new", (await Store.LoadAsync())["SLACK_TOKEN"]);
    }

    [Fact]
    public async Task LoadAsync_ValueStoredWithOtherKeys_SaysWhichSecretAndThatKeysAreMissing()
    {
        await new DatabaseSecretStore(Database, new RefusingProtector(), _time).SetAsync("GITHUB_TOKEN", "ghp");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new DatabaseSecretStore(Database, new RefusingProtector(), _time).LoadAsync());

        Assert.Contains("'GITHUB_TOKEN'", error.Message, StringComparison.Ordinal);
        Assert.Contains("keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_TrueThenFalse()
    {
        await Store.SetAsync("A", "1");

        Assert.True(await Store.DeleteAsync("A"));
        Assert.False(await Store.DeleteAsync("A"));
        Assert.Empty(await Store.ListAsync());
    }

    [Fact]
    public async Task SetAsync_OnOneInstance_IsLoadedOnAnother()
    {
        await Store.SetAsync("ORDER_HOOK", "s3cret");

        var other = new DatabaseSecretStore(await SecondInstanceAsync(), new ReversingProtector(), _time);

        Assert.Equal("s3cret", (await other.LoadAsync())["ORDER_HOOK"]);
    }

    [Fact]
    public async Task SetAsync_SameNameInTwoWorkspaces_EachKeepsItsOwnValue()
    {
        Assert.True(await Store.SetAsync("hr", "GITHUB_TOKEN", "ghp-hr"));
        Assert.True(await Store.SetAsync("ops", "GITHUB_TOKEN", "ghp-ops"));

        var all = await Store.LoadAllAsync();

        Assert.Equal("ghp-hr", all[("hr", "GITHUB_TOKEN")]);
        Assert.Equal("ghp-ops", all[("ops", "GITHUB_TOKEN")]);
        Assert.Equal(["GITHUB_TOKEN"], (await Store.ListAsync("hr")).Select(s => s.Name));
        Assert.Empty(await Store.ListAsync());
        Assert.Empty(await Store.LoadAsync());
    }

    [Fact]
    public async Task DeleteAsync_InOneWorkspace_LeavesTheOther()
    {
        await Store.SetAsync("hr", "GITHUB_TOKEN", "ghp-hr");
        await Store.SetAsync("ops", "GITHUB_TOKEN", "ghp-ops");

        Assert.True(await Store.DeleteAsync("hr", "GITHUB_TOKEN"));

        Assert.False(await Store.DeleteAsync("hr", "GITHUB_TOKEN"));
        Assert.Equal([("ops", "GITHUB_TOKEN")], (await Store.LoadAllAsync()).Keys);
    }

    /// <summary>Stands in for Data Protection: the stored text differs from the value, and reads back.</summary>
    internal sealed class ReversingProtector : ISecretProtector
    {
        public string Protect(string value) => "enc:" + new string(value.Reverse().ToArray());

        public string Unprotect(string protectedValue) =>
            protectedValue.StartsWith("enc:", StringComparison.Ordinal) ? new string(protectedValue[4..].Reverse().ToArray()) : throw new FormatException("Not protected here.");
    }

    private sealed class RefusingProtector : ISecretProtector
    {
        public string Protect(string value) => "other-key:" + value;

        public string Unprotect(string protectedValue) => throw new System.Security.Cryptography.CryptographicException("The key was not found in the key ring.");
    }
}

public sealed class SqliteSecretStoreTests() : SecretStoreTests(StorageProvider.Sqlite);

public sealed class PostgresSecretStoreTests() : SecretStoreTests(StorageProvider.Postgres);
