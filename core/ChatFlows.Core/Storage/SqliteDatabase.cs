using System.Data.Common;
using System.Runtime.CompilerServices;
using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Storage;

/// <summary>
/// One SQLite database file: opens connections set up for concurrent use (WAL, a busy timeout, normal sync)
/// and brings the schema up to date with the embedded, numbered scripts under <c>Migrations/sqlite</c>.
/// </summary>
public sealed class SqliteDatabase : StoreDatabase
{
    /// <summary>The default connection string: <c>./data/chatflows.db</c>.</summary>
    public const string DefaultConnectionString = "Data Source=./data/chatflows.db";

    private static readonly object SetUpMark = new();

    // The pooled database handles whose connection settings are made.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> SetUp = [];

    private readonly ILogger _logger;

    /// <summary>Uses the database named by <paramref name="connectionString"/>, creating its folder when needed.</summary>
    public SqliteDatabase(string connectionString, ILogger<SqliteDatabase>? logger = null)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new ArgumentException("The SQLite store needs a file (Data Source=path/to/chatflows.db); in-memory databases lose runs.", nameof(connectionString));
        }
        builder.DataSource = Path.GetFullPath(builder.DataSource);
        ConnectionString = builder.ToString();
        FilePath = builder.DataSource;
        _logger = logger ?? NullLogger<SqliteDatabase>.Instance;
    }

    /// <summary>The normalized connection string (absolute file path).</summary>
    public string ConnectionString { get; }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <inheritdoc />
    public override string Description => $"SQLite at {FilePath}";

    /// <summary>Creates the folder and file if needed and applies every script of <paramref name="area"/> not applied yet.</summary>
    public override void Migrate(MigrationArea area)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        using (var connection = Open())
        {
            // WAL is a property of the file: set once, it lets readers work while the journal writer commits.
            Execute(connection, "pragma journal_mode = wal");
        }
        var upgrade = DeployChanges.To.SqliteDatabase(ConnectionString)
            .WithScriptsEmbeddedInAssembly(area.Assembly, name => area.IsScript(name, StorageProvider.Sqlite))
            .JournalToSqliteTable(area.JournalTable)
            .WithTransactionPerScript()
            .LogTo(new MigrationLog(_logger))
            .Build()
            .PerformUpgrade();
        if (!upgrade.Successful)
        {
            throw new InvalidOperationException($"Could not bring the {area.Name} tables of the database {FilePath} up to date at script {upgrade.ErrorScript?.Name}: {upgrade.Error?.Message}", upgrade.Error);
        }
    }

    /// <inheritdoc />
    public override SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // The settings belong to the database handle, which the pool keeps open across opens: set once per handle.
        var handle = connection.Handle!;
        if (!SetUp.TryGetValue(handle, out _))
        {
            // NORMAL keeps every commit safe from a process crash (WAL); only a power loss can take the last commits.
            Execute(connection, "pragma synchronous = normal; pragma busy_timeout = 10000; pragma foreign_keys = off");
            SetUp.AddOrUpdate(handle, SetUpMark);
        }
        return connection;
    }

    /// <inheritdoc />
    public override ValueTask<DbConnection> OpenAsync(CancellationToken ct = default) => ValueTask.FromResult<DbConnection>(Open());

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
