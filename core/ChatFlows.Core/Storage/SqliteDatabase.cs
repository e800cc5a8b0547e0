using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DbUp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Storage;

/// <summary>
/// One SQLite database file: opens connections set up for concurrent use (WAL, a busy timeout, normal sync)
/// and brings the schema up to date with the embedded, numbered scripts under <c>Migrations/sqlite</c>.
/// </summary>
public sealed partial class SqliteDatabase : StoreDatabase
{
    /// <summary>The default connection string: <c>./data/chatflows.db</c>.</summary>
    public const string DefaultConnectionString = "Data Source=./data/chatflows.db";

    // NORMAL keeps every commit safe from a process crash (WAL); only a power loss can take the last commits.
    private const string ConnectionSettings = "pragma synchronous = normal; pragma busy_timeout = 10000; pragma foreign_keys = off";

    /// <summary>How often at most the journal writer's log is copied into the database file (<see cref="JournalCommitted"/>).</summary>
    internal static readonly TimeSpan CheckpointEvery = TimeSpan.FromMilliseconds(25);

    /// <summary>How long the log may grow (in 4 KiB pages, 16 MiB) before the journal writer makes it start over.</summary>
    internal const long LogFramesBeforeRestart = 4096;

    private static readonly object SetUpMark = new();

    // The pooled database handles whose connection settings are made.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> SetUp = [];

    private readonly ILogger _logger;
    private readonly string _journalWriterConnectionString;
    private readonly string _checkpointConnectionString;
    private readonly WalHook _logLengthAfterCommit;
    // Held by the one copy under way, whether beside the writer or by the writer itself.
    private readonly SemaphoreSlim _copying = new(1, 1);
    private long _lastCheckpointAt = long.MinValue / 2;
    private long _logFrames;
    private long _copiesBesideWriter;
    private long _copiesWhenLogGrewLong = -1;

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
        _journalWriterConnectionString = new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString();
        _checkpointConnectionString = new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();
        _logger = logger ?? NullLogger<SqliteDatabase>.Instance;
        _logLengthAfterCommit = (_, _, _, frames) =>
        {
            Volatile.Write(ref _logFrames, frames);
            return 0;
        };
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
            Execute(connection, ConnectionSettings);
            SetUp.AddOrUpdate(handle, SetUpMark);
        }
        return connection;
    }

    /// <summary>
    /// The journal writer's own connection, not pooled, whose commits never copy the log into the database file: that
    /// copy and its sync, which SQLite otherwise makes the commit that fills the log wait for, run on another
    /// connection after commits (<see cref="JournalCommitted"/>), so no run waits for them.
    /// </summary>
    public override ValueTask<DbConnection> OpenJournalWriterAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(_journalWriterConnectionString);
        connection.Open();
        Execute(connection, $"{ConnectionSettings}; pragma wal_autocheckpoint = 0");
        // Replaces the automatic copy's hook, which the pragma above has just removed.
        sqlite3_wal_hook(connection.Handle!.DangerousGetHandle(), _logLengthAfterCommit, IntPtr.Zero);
        return ValueTask.FromResult<DbConnection>(connection);
    }

    /// <summary>
    /// Starts copying the log into the database file on another connection, unless a copy is under way or one started
    /// less than <see cref="CheckpointEvery"/> ago: the copy and its sync do not hold up commits. SQLite starts the log
    /// over only at a commit that follows a copy which caught up, which a copy made beside a busy writer rarely does.
    /// So once the log is longer than <see cref="LogFramesBeforeRestart"/> (SQLite reports its length after every
    /// commit), the writer copies what is left itself, between two commits: at the first commit after a copy beside it
    /// has ended, when what is left is only what was committed meanwhile, or at once, waiting for a copy under way,
    /// once the log is twice that long. However long a copy takes, the log stays under about twice that length.
    /// </summary>
    public override void JournalCommitted(DbConnection writer)
    {
        var frames = Volatile.Read(ref _logFrames);
        if (frames > LogFramesBeforeRestart)
        {
            // Best right after a copy beside the writer ended, when what is left is what was committed meanwhile.
            var copied = Volatile.Read(ref _copiesBesideWriter);
            if (_copiesWhenLogGrewLong < 0) _copiesWhenLogGrewLong = copied;
            var mustCopy = frames > 2 * LogFramesBeforeRestart;
            if (mustCopy || (copied != _copiesWhenLogGrewLong && _copying.Wait(0)))
            {
                if (mustCopy) _copying.Wait();
                Checkpoint(writer);
                _copiesWhenLogGrewLong = -1;
                return;
            }
        }
        var now = Environment.TickCount64;
        if (now - _lastCheckpointAt < CheckpointEvery.TotalMilliseconds || !_copying.Wait(0)) return;
        _lastCheckpointAt = now;
        _ = Task.Run(() =>
        {
            // Never creates the file: a database deleted meanwhile has nothing to copy.
            using var connection = new SqliteConnection(_checkpointConnectionString);
            Checkpoint(connection);
            Interlocked.Increment(ref _copiesBesideWriter);
        });
    }

    // Called holding _copying, which it releases.
    private void Checkpoint(DbConnection connection)
    {
        try
        {
            if (connection.State != System.Data.ConnectionState.Open) connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "pragma wal_checkpoint(passive)";
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            // The next commit tries again; SQLite's own automatic copy on other connections remains as a backstop.
            LogCheckpointFailed(ex, FilePath);
        }
        finally
        {
            _copying.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Copying the log of {Path} into the database file failed; the next commit tries again")]
    private partial void LogCheckpointFailed(Exception ex, string path);

    /// <inheritdoc />
    public override ValueTask<DbConnection> OpenAsync(CancellationToken ct = default) => ValueTask.FromResult<DbConnection>(Open());

    // int (*)(void*, sqlite3*, const char* database, int frames): SQLite calls it after every commit with the log's length.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int WalHook(IntPtr context, IntPtr db, IntPtr database, int frames);

    // The SQLite library Microsoft.Data.Sqlite loads (SQLitePCLRaw's bundle), which has no wrapper for this hook.
    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr sqlite3_wal_hook(IntPtr db, WalHook hook, IntPtr context);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
