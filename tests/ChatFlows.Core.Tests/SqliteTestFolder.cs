using Microsoft.Data.Sqlite;

namespace ChatFlows.Core.Tests;

/// <summary>A temporary folder for SQLite database files, deleted with everything in it on dispose.</summary>
internal sealed class SqliteTestFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("chatflows-tests-").FullName;

    /// <summary>The connection string of a database file in the folder.</summary>
    public string ConnectionString(string name = "chatflows.db") => $"Data Source={System.IO.Path.Combine(Path, name)}";

    public void Dispose()
    {
        // Pooled connections keep the files open; connections in use elsewhere close when returned.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
