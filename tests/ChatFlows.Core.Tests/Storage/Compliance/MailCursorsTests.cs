using ChatFlows.Core.Mail;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The mail watcher's cursors, the same on every database.</summary>
public abstract class MailCursorsTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private MailCursors Cursors => new(Database, _time);

    [Fact]
    public async Task GetAsync_FolderNeverRead_ReturnsNull() => Assert.Null(await Cursors.GetAsync("support", "INBOX"));

    [Fact]
    public async Task AdvanceAsync_Forward_MovesTheCursor()
    {
        await Cursors.AdvanceAsync("support", "INBOX", 7, 10);

        await Cursors.AdvanceAsync("support", "INBOX", 7, 12);

        Assert.Equal(new MailCursor(7, 12), await Cursors.GetAsync("support", "INBOX"));
    }

    [Fact]
    public async Task AdvanceAsync_AnotherInstanceIsBehind_NeverMovesBack()
    {
        await Cursors.AdvanceAsync("support", "INBOX", 7, 12);
        var behind = new MailCursors(await SecondInstanceAsync(), _time);

        await behind.AdvanceAsync("support", "INBOX", 7, 10);

        Assert.Equal(new MailCursor(7, 12), await Cursors.GetAsync("support", "INBOX"));
    }

    [Fact]
    public async Task AdvanceAsync_NewUidValidity_SetsTheCursorOutright()
    {
        await Cursors.AdvanceAsync("support", "INBOX", 7, 12);

        await Cursors.AdvanceAsync("support", "INBOX", 8, 3);

        Assert.Equal(new MailCursor(8, 3), await Cursors.GetAsync("support", "INBOX"));
    }

    [Fact]
    public async Task AdvanceAsync_UidsAboveTwoToTheThirtyOne_AreKeptWhole()
    {
        await Cursors.AdvanceAsync("support", "INBOX", uint.MaxValue, uint.MaxValue - 1);

        Assert.Equal(new MailCursor(uint.MaxValue, uint.MaxValue - 1), await Cursors.GetAsync("support", "INBOX"));
    }
}

public sealed class SqliteMailCursorsTests() : MailCursorsTests(StorageProvider.Sqlite);

public sealed class PostgresMailCursorsTests() : MailCursorsTests(StorageProvider.Postgres);
