using System.Data.Common;
using DbUp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ChatFlows.Core.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by every instance (docs/architecture.md §Several instances): pooled connections
/// from one data source, and migrations under an advisory lock so that instances starting together apply each
/// script exactly once.
/// </summary>
public sealed class PostgresDatabase : StoreDatabase, IAsyncDisposable
{
    // Any fixed number: every instance takes the same lock around its migrations.
    private const long MigrationLock = 0x43686174466c6f77; // "ChatFlow"

    /// <summary>How long a session may sit idle inside a transaction before the server ends it.</summary>
    public static readonly TimeSpan IdleTransactionLimit = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;

    /// <summary>Uses the database named by <paramref name="connectionString"/> (<c>Host=…;Database=…;Username=…;Password=…</c>).</summary>
    public PostgresDatabase(string connectionString, ILogger<PostgresDatabase>? logger = null)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"The PostgreSQL connection string cannot be read ({ex.Message}); write it as 'Host=db;Database=chatflows;Username=chatflows;Password=…'.", nameof(connectionString), ex);
        }
        if (string.IsNullOrEmpty(builder.Host) || string.IsNullOrEmpty(builder.Database))
        {
            throw new ArgumentException("The PostgreSQL connection string needs a Host and a Database, e.g. 'Host=db;Database=chatflows;Username=chatflows;Password=…'.", nameof(connectionString));
        }
        ConnectionString = builder.ConnectionString;
        Description = $"PostgreSQL at {builder.Host}:{builder.Port}/{builder.Database}";
        // A transaction left open by an instance that was paused or cut off mid-commit would hold its row locks, and
        // so the runs they guard, until it came back; the server ends such a session instead. Our transactions never
        // wait on anything but the database.
        if (!(builder.Options ?? "").Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal))
        {
            builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout={IdleTransactionLimit.TotalMilliseconds:0}".Trim();
        }
        DataSource = NpgsqlDataSource.Create(builder);
        _logger = logger ?? NullLogger<PostgresDatabase>.Instance;
    }

    /// <summary>The connection string as given (it may hold a password: never log it).</summary>
    public string ConnectionString { get; }

    /// <summary>The pool every connection of this instance comes from.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <inheritdoc />
    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <inheritdoc />
    public override string Description { get; }

    /// <inheritdoc />
    public override NpgsqlConnection Open() => DataSource.OpenConnection();

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenAsync(CancellationToken ct = default) => await DataSource.OpenConnectionAsync(ct);

    /// <inheritdoc />
    public override void Migrate(MigrationArea area)
    {
        // A session lock on a connection of its own, held while DbUp works on its own connections: a second
        // instance waits here and then finds every script applied.
        using var gate = Open();
        using (var take = new NpgsqlCommand("select pg_advisory_lock(@Key)", gate))
        {
            take.Parameters.AddWithValue("Key", MigrationLock);
            take.ExecuteNonQuery();
        }
        try
        {
            var upgrade = DeployChanges.To.PostgresqlDatabase(ConnectionString)
                .WithScriptsEmbeddedInAssembly(area.Assembly, name => area.IsScript(name, StorageProvider.Postgres))
                .JournalToPostgresqlTable("public", area.JournalTable)
                .WithTransactionPerScript()
                .LogTo(new MigrationLog(_logger))
                .Build()
                .PerformUpgrade();
            if (!upgrade.Successful)
            {
                throw new InvalidOperationException($"Could not bring the {area.Name} tables of {Description} up to date at script {upgrade.ErrorScript?.Name}: {upgrade.Error?.Message}", upgrade.Error);
            }
        }
        finally
        {
            using var release = new NpgsqlCommand("select pg_advisory_unlock(@Key)", gate);
            release.Parameters.AddWithValue("Key", MigrationLock);
            release.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
