using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Relational;

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
}
