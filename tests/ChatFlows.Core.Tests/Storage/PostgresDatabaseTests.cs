using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Tests.Fixtures;
using Dapper;

namespace ChatFlows.Core.Tests.Storage;

public sealed class PostgresDatabaseTests
{
    [Fact]
    public async Task Migrate_ThreeInstancesStartingAtOnce_AppliesEachScriptOnce()
    {
        var connectionString = await TestDatabases.CreatePostgresAsync();
        var instances = Enumerable.Range(0, 3).Select(_ => new PostgresDatabase(connectionString)).ToArray();

        await Task.WhenAll(instances.Select(db => Task.Run(() => db.Migrate())));

        await using var connection = await instances[0].OpenAsync();
        var applied = (await connection.QueryAsync<string>("select scriptname from \"SchemaVersions\"")).AsList();
        Assert.Equal(applied.Distinct().Count(), applied.Count);
        Assert.Contains(applied, name => name.EndsWith("0011_run_replays.sql", StringComparison.Ordinal));
        var tables = await connection.QueryAsync<string>("select table_name from information_schema.tables where table_schema = 'public'");
        Assert.Contains("node_runs", tables);
        Assert.DoesNotContain("slack_events", tables);
        foreach (var db in instances) await db.DisposeAsync();
    }

    [Fact]
    public async Task Open_AnySession_IsEndedByTheServerWhenLeftIdleInATransaction()
    {
        // An instance paused mid-commit must not hold the row locks that guard its runs until it comes back.
        await using var database = new PostgresDatabase(await TestDatabases.CreatePostgresAsync());
        await using var connection = await database.OpenAsync();

        var limit = await connection.ExecuteScalarAsync<string>("show idle_in_transaction_session_timeout");

        Assert.Equal("10s", limit);
    }

    [Fact]
    public void Constructor_ConnectionStringWithoutDatabase_SaysHowToWriteIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgresDatabase("Host=127.0.0.1"));

        Assert.Contains("Database", error.Message, StringComparison.Ordinal);
    }
}
