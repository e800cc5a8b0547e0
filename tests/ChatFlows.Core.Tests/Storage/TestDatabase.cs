using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>A migrated SQLite database in a temporary folder of its own, deleted on dispose.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    public TestDatabase()
    {
        Database = new SqliteDatabase(_folder.ConnectionString());
        Database.Migrate();
    }

    public SqliteDatabase Database { get; }

    public void Dispose() => _folder.Dispose();
}
