using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>The run store compliance cases on a SQLite file.</summary>
public sealed class SqliteRunStoreTests : RunStoreCompliance
{
    private TestDatabase _db = null!;

    protected override Task InitializeDatabaseAsync()
    {
        _db = new TestDatabase();
        return Task.CompletedTask;
    }

    protected override StoreDatabase Database => _db.Database;

    protected override RelationalRunStore OpenStore(TimeProvider time) => new SqliteRunStore(_db.Database, time);

    protected override Task DisposeDatabaseAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task JournalWriter_DatabaseGoneAWhile_CommitsOnceItIsBack_OnAClockNobodyMoves()
    {
        // The writer pauses before it opens the database again. The pause waits for the database, not for the store's
        // clock: on a clock that is never moved on (a test's), it would never end.
        var folder = Path.GetDirectoryName(_db.Database.FilePath)!;
        var away = folder + "-away";
        var log = new RecordingLogger<SqliteRunStore>();
        var store = new SqliteRunStore(_db.Database, new FakeTimeProvider(), log);
        try
        {
            SqliteConnection.ClearAllPools();
            Directory.Move(folder, away);
            Task flushed;
            try
            {
                flushed = store.FlushAsync();
                await log.WrittenAsync("cannot be opened").WaitAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                Directory.Move(away, folder);
            }

            await flushed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            // A writer still paused would hold the disposal too.
            await store.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
