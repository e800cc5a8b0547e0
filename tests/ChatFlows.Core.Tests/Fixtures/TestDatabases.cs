using ChatFlows.Core.Storage;
using Npgsql;

namespace ChatFlows.Core.Tests.Fixtures;

/// <summary>
/// Where the tests' databases come from (README §Tests). PostgreSQL: the server <c>./test.sh</c> starts and names in
/// <c>CHATFLOWS_TEST_POSTGRES</c> (the superuser's connection string), or, when the tests run without it, a private
/// server this test process starts once and stops when it exits. Every caller gets an empty database of its own.
/// </summary>
public static class TestDatabases
{
    /// <summary>The variable <c>./test.sh</c> sets to the connection string of its PostgreSQL server.</summary>
    public const string PostgresVariable = "CHATFLOWS_TEST_POSTGRES";

    /// <summary>
    /// The variable that runs the shared-host suite on PostgreSQL: <c>postgres</c> (as the second pass of
    /// <c>./test.sh</c> sets it) or <c>sqlite</c> (the default, also when unset).
    /// </summary>
    public const string HostStorageVariable = "CHATFLOWS_TEST_STORAGE";

    private static readonly Lazy<Task<string>> Admin = new(StartAsync);

    /// <summary>The provider the shared test host stores in, from <see cref="HostStorageVariable"/>; a value that is neither fails the tests.</summary>
    public static StorageProvider HostStorage => Environment.GetEnvironmentVariable(HostStorageVariable) switch
    {
        null or "" or "sqlite" => StorageProvider.Sqlite,
        "postgres" => StorageProvider.Postgres,
        var other => throw new InvalidOperationException($"{HostStorageVariable} must be 'sqlite' or 'postgres', not '{other}'."),
    };

    /// <summary>Creates an empty PostgreSQL database and returns its connection string.</summary>
    public static async Task<string> CreatePostgresAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(await Admin.Value);
        var name = $"test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        admin.Database = name;
        admin.Pooling = true;
        // Suites create hundreds of databases on one server: a pool whose test has ended gives its connections back soon.
        admin.ConnectionIdleLifetime = 15;
        return admin.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } given) return given;
        var server = new PostgresServer();
        await server.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().GetAwaiter().GetResult();
        return server.AdminConnectionString;
    }
}
