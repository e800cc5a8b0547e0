using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>A migrated SQLite database in a file of its own, deleted with its folder on dispose.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chatflows-tests", Guid.NewGuid().ToString("N"));

    public TestDatabase()
    {
        Database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "chatflows.db")}");
        Database.Migrate();
    }

    public SqliteDatabase Database { get; }

    public void Dispose()
    {
        // Pooled connections keep the file open; clear them so the folder can go.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is removed with the temp folder later.
        }
    }
}
