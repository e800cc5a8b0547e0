using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>The connection settings of the SQLite store (docs/architecture.md §Storage).</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Open_ConnectionTakenFromThePoolAgain_HasTheStoreSettings()
    {
        // Set once per pooled database handle: a connection handed out again keeps them.
        for (var i = 0; i < 3; i++)
        {
            using var connection = _db.Database.Open();

            Assert.Equal(1, connection.ExecuteScalar<long>("pragma synchronous"));
            Assert.Equal(10000, connection.ExecuteScalar<long>("pragma busy_timeout"));
            Assert.Equal(0, connection.ExecuteScalar<long>("pragma foreign_keys"));
            Assert.Equal("wal", connection.ExecuteScalar<string>("pragma journal_mode"));
        }
    }

    [Fact]
    public void Open_TwoConnectionsAtOnce_EachHasTheStoreSettings()
    {
        using var first = _db.Database.Open();
        using var second = _db.Database.Open();

        Assert.Equal(10000, first.ExecuteScalar<long>("pragma busy_timeout"));
        Assert.Equal(10000, second.ExecuteScalar<long>("pragma busy_timeout"));
    }

    [Fact]
    public async Task JournalWriter_CopiesNoLogItself_WhileOtherConnectionsStillDo()
    {
        await using var writer = await _db.Database.OpenJournalWriterAsync();
        using var other = _db.Database.Open();

        Assert.Equal(0, writer.ExecuteScalar<long>("pragma wal_autocheckpoint"));
        Assert.Equal(1000, other.ExecuteScalar<long>("pragma wal_autocheckpoint"));
        Assert.Equal(1, writer.ExecuteScalar<long>("pragma synchronous"));
    }

    [Fact]
    public async Task JournalWriter_CommittingWithoutPause_LogStartsOverAgainAndAgainAndStaysShort()
    {
        // The log is copied beside the writer, which never lets SQLite start it over on its own: without the writer's
        // own copy once the log passes LogFramesBeforeRestart, the file would take every page committed. Each start
        // over changes the salt in the log's header; the file keeps the length of the longest log it has held.
        await using var writer = await _db.Database.OpenJournalWriterAsync();
        writer.Execute("create table filler (id integer primary key, body blob)");
        var body = new byte[1500];
        var salts = new HashSet<string>();
        const int Commits = 30_000;
        for (var commit = 1; commit <= Commits; commit++)
        {
            writer.Execute("insert into filler (body) values (@Body)", new { Body = body });
            _db.Database.JournalCommitted(writer);
            if (commit % 200 == 0) salts.Add(LogSalt());
        }

        Assert.True(salts.Count >= 4, $"the log started over {salts.Count - 1} times in {Commits:N0} commits");
        // A commit here writes a few pages: the log never gets more than a few frames past twice the limit, however
        // long a copy beside the writer took.
        const long Frame = 24 + 4096;
        var longestLog = (new FileInfo(_db.Database.FilePath + "-wal").Length - 32) / Frame;
        Assert.InRange(longestLog, 1, (2 * SqliteDatabase.LogFramesBeforeRestart) + 16);
        using var reader = _db.Database.Open();
        Assert.Equal(Commits, reader.ExecuteScalar<long>("select count(*) from filler"));
    }

    // Bytes 16–23 of the log's header: SQLite changes them whenever the log starts over.
    private string LogSalt()
    {
        using var log = new FileStream(_db.Database.FilePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[24];
        log.ReadExactly(header);
        return Convert.ToHexString(header, 16, 8);
    }
}
