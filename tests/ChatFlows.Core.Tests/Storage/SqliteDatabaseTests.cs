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
}
