using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Storage.Relational;
using ChatFlows.Core.Tests.Fixtures;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>The run store compliance cases on a PostgreSQL database; each store has a pool of its own, as an instance would.</summary>
public sealed class PostgresRunStoreTests : RunStoreCompliance
{
    private readonly List<PostgresDatabase> _databases = [];
    private string _connectionString = "";

    protected override async Task InitializeDatabaseAsync()
    {
        _connectionString = await TestDatabases.CreatePostgresAsync();
        var database = new PostgresDatabase(_connectionString);
        _databases.Add(database);
        database.Migrate();
    }

    protected override StoreDatabase Database => _databases[0];

    protected override RelationalRunStore OpenStore(TimeProvider time)
    {
        var database = new PostgresDatabase(_connectionString);
        _databases.Add(database);
        return new PostgresRunStore(database, time);
    }

    protected override async Task DisposeDatabaseAsync()
    {
        foreach (var database in _databases) await database.DisposeAsync();
    }
}
