using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Core.Tests.Fixtures;

/// <summary>
/// The base of a store's compliance suite (README §Tests): the suite is written once, against <see cref="StoreDatabase"/>,
/// and a subclass per provider runs it on a real SQLite file or a real PostgreSQL database of its own, migrated with
/// core's scripts and <see cref="Areas"/>. <see cref="SecondInstanceAsync"/> opens the same database again, as a
/// second instance of the product would.
/// </summary>
public abstract class StoreCompliance(StorageProvider provider) : IAsyncLifetime
{
    private readonly List<StoreDatabase> _opened = [];
    private string? _folder;
    private string _connectionString = "";

    /// <summary>The database under test, migrated.</summary>
    protected StoreDatabase Database { get; private set; } = null!;

    /// <summary>Which provider this run of the suite is on.</summary>
    protected StorageProvider Provider => provider;

    /// <summary>The migration areas besides core's that the store needs (the bot's, for its tables).</summary>
    protected virtual IEnumerable<MigrationArea> Areas => [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (provider == StorageProvider.Sqlite)
        {
            _folder = Directory.CreateTempSubdirectory("chatflows-store-").FullName;
            _connectionString = $"Data Source={Path.Combine(_folder, "chatflows.db")}";
        }
        else
        {
            _connectionString = await TestDatabases.CreatePostgresAsync();
        }
        Database = Open();
        Database.Migrate();
        foreach (var area in Areas) Database.Migrate(area);
    }

    /// <summary>A second <see cref="StoreDatabase"/> over the same database (on PostgreSQL with a pool of its own): what a second instance sees.</summary>
    protected Task<StoreDatabase> SecondInstanceAsync() => Task.FromResult(Open());

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var database in _opened)
        {
            if (database is PostgresDatabase postgres) await postgres.DisposeAsync();
        }
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private StoreDatabase Open()
    {
        StoreDatabase database = provider == StorageProvider.Sqlite ? new SqliteDatabase(_connectionString) : new PostgresDatabase(_connectionString);
        _opened.Add(database);
        return database;
    }
}
