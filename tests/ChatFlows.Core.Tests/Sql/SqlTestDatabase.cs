using System.Data.Common;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Sql;
using ChatFlows.Core.Tests.Fixtures;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatFlows.Core.Tests.Sql;

/// <summary>An empty database of one test, on SQLite (a file in a temporary folder) or on the test PostgreSQL server.</summary>
internal sealed class SqlTestDatabase(string provider, string connectionString)
{
    public string Provider { get; } = provider;

    public string ConnectionString { get; } = connectionString;

    public static async Task<SqlTestDatabase> CreateAsync(string provider, SqliteTestFolder folder) => provider switch
    {
        SqlDatabases.Sqlite => new SqlTestDatabase(provider, folder.ConnectionString($"{Guid.NewGuid():N}.db")),
        _ => new SqlTestDatabase(provider, await TestDatabases.CreatePostgresAsync()),
    };

    /// <summary>A database connection to this database, for workflow <c>test</c> (or every workflow).</summary>
    public Connection Connection(string name = "orders-db", bool readOnly = false, string? connectionString = null) => new(
        name,
        ConnectionTypes.Database,
        ["*"],
        new Dictionary<string, string>
        {
            ["Provider"] = Provider,
            ["ConnectionString"] = connectionString ?? ConnectionString,
            ["ReadOnly"] = readOnly ? "true" : "false",
        },
        ConnectionRegistry.ConfiguredSource);

    /// <summary>Runs SQL directly, outside any workflow, to set up or check a table.</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var db = Open();
        return await db.ExecuteAsync(sql);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = Open();
        return (await db.ExecuteScalarAsync<T>(sql))!;
    }

    /// <summary>A table of orders with two rows, written the same way on both databases.</summary>
    public Task SeedOrdersAsync(int rows = 2)
    {
        var values = string.Join(", ", Enumerable.Range(1, rows).Select(i => $"({i}, 'customer {i}', {i}0.50, null)"));
        return ExecuteAsync($"create table orders (id integer primary key, customer text not null, total numeric(10, 2), note text); insert into orders values {values};");
    }

    private DbConnection Open() => Provider == SqlDatabases.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
}
