using ChatFlows.Core.Connections;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The connection store's behaviour, the same on every database.</summary>
public abstract class ConnectionStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private DatabaseConnectionStore Store => new(Database, new SecretStoreTests.ReversingProtector(), _time);

    [Fact]
    public async Task SetAsync_MailConnection_PasswordEncryptedHostInClearAndBothLoaded()
    {
        var created = await Store.SetAsync(Mail("support", "imap.example.com", "hunter2"), CancellationToken.None);

        Assert.True(created);
        var loaded = Assert.Single(await Store.LoadAsync(CancellationToken.None));
        Assert.Equal(("support", ConnectionTypes.Mail, "imap.example.com", "hunter2"), (loaded.Name, loaded.Type, loaded.Settings["host"], loaded.Settings["password"]));
        Assert.Equal(["triage"], loaded.Workflows);
        await using var connection = await Database.OpenAsync();
        var (settings, credentials) = await connection.QuerySingleAsync<(string, string)>("select settings, credentials from connections where name = 'support'");
        Assert.Contains("imap.example.com", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", settings + credentials, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAsync_ExistingName_ReplacesAndSaysItWasNotNew()
    {
        await Store.SetAsync(Mail("support", "imap.example.com", "old"), CancellationToken.None);

        var created = await Store.SetAsync(Mail("support", "imap.example.org", "new"), CancellationToken.None);

        Assert.False(created);
        var loaded = Assert.Single(await Store.LoadAsync(CancellationToken.None));
        Assert.Equal(("imap.example.org", "new"), (loaded.Settings["host"], loaded.Settings["password"]));
    }

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_TrueThenFalse()
    {
        await Store.SetAsync(Mail("support", "imap.example.com", "p"), CancellationToken.None);

        Assert.True(await Store.DeleteAsync("support", CancellationToken.None));
        Assert.False(await Store.DeleteAsync("support", CancellationToken.None));
        Assert.Empty(await Store.LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SetAsync_SameNameInTwoWorkspaces_EachKeepsItsOwnSettings()
    {
        Assert.True(await Store.SetAsync(Mail("support", "imap.hr.example", "hr-pass") with { Workspace = "hr" }, CancellationToken.None));
        Assert.True(await Store.SetAsync(Mail("support", "imap.ops.example", "ops-pass") with { Workspace = "ops" }, CancellationToken.None));

        var loaded = (await Store.LoadAsync(CancellationToken.None)).ToDictionary(c => c.Workspace);

        Assert.Equal(["hr", "ops"], loaded.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("imap.hr.example", "hr-pass"), (loaded["hr"].Settings["host"], loaded["hr"].Settings["password"]));
        Assert.Equal(("imap.ops.example", "ops-pass"), (loaded["ops"].Settings["host"], loaded["ops"].Settings["password"]));
    }

    [Fact]
    public async Task DeleteAsync_InOneWorkspace_LeavesTheOther()
    {
        await Store.SetAsync(Mail("support", "imap.hr.example", "p") with { Workspace = "hr" }, CancellationToken.None);
        await Store.SetAsync(Mail("support", "imap.ops.example", "p") with { Workspace = "ops" }, CancellationToken.None);

        Assert.True(await Store.DeleteAsync("hr", "support", CancellationToken.None));

        Assert.False(await Store.DeleteAsync("support", CancellationToken.None));
        var left = Assert.Single(await Store.LoadAsync(CancellationToken.None));
        Assert.Equal(("ops", "imap.ops.example"), (left.Workspace, left.Settings["host"]));
    }

    private static Connection Mail(string name, string host, string password) => new(
        name, ConnectionTypes.Mail, ["triage"], new Dictionary<string, string> { ["host"] = host, ["password"] = password }, ConnectionRegistry.StoredSource);
}

public sealed class SqliteConnectionStoreTests() : ConnectionStoreTests(StorageProvider.Sqlite);

public sealed class PostgresConnectionStoreTests() : ConnectionStoreTests(StorageProvider.Postgres);
