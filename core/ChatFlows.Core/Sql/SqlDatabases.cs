using System.Buffers;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatFlows.Core.Sql;

/// <summary>
/// Runs statements on database connections (README §tool/sql): SQLite through Microsoft.Data.Sqlite, PostgreSQL
/// through one shared <see cref="NpgsqlDataSource"/> per connection string. Read-only is enforced by the database:
/// SQLite opens the file read-only with <c>query_only</c>, PostgreSQL runs the statement in a read-only
/// transaction. Failures are <see cref="NodeException"/>s naming the connection, never its connection string.
/// </summary>
public sealed partial class SqlDatabases : IAsyncDisposable
{
    /// <summary>The provider setting for SQLite.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The provider setting for PostgreSQL.</summary>
    public const string Postgres = "postgres";

    /// <summary>Rows read when a node sets no <c>maxRows</c>.</summary>
    public const int DefaultMaxRows = 1000;

    /// <summary>The most <c>maxRows</c> may be.</summary>
    public const int MaxRowsLimit = 10_000;

    /// <summary>How long a statement may run when a node sets no <c>timeout</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private const int SqliteReadOnlyError = 8;
    private const string PostgresReadOnlyState = "25006";
    private const string ConnectionStringError = "chatflows.connection-string";

    // Typed as DbDataSource, not NpgsqlDataSource: the host makes this class at start, and a field over an Npgsql type
    // would load Npgsql on every host, SQLite ones included (README §Memory).
    private readonly ConcurrentDictionary<string, Lazy<DbDataSource>> _postgres = new(StringComparer.Ordinal);

    /// <summary>True when the connection's <c>ReadOnly</c> setting is true.</summary>
    public static bool IsReadOnly(Connection connection) =>
        bool.TryParse(connection.Setting("ReadOnly"), out var readOnly) && readOnly;

    /// <summary>Runs <paramref name="statement"/> on <paramref name="connection"/>, timing it out on <paramref name="time"/>.</summary>
    /// <exception cref="NodeException">The connection is unusable, the database refused the statement, or it timed out.</exception>
    public async Task<SqlResult> RunAsync(Connection connection, SqlStatement statement, TimeProvider time, CancellationToken ct)
    {
        var provider = connection.Setting("Provider")?.Trim().ToLowerInvariant();
        var connectionString = connection.Setting("ConnectionString")
            ?? throw new NodeException($"Connection '{connection.Name}' has no ConnectionString; set ChatFlows:Connections:{connection.Name}:ConnectionString.");
        var readOnly = IsReadOnly(connection) || statement.ForceReadOnly;
        if (readOnly && SqlText.HasSeveralStatements(statement.Query))
        {
            throw new NodeException(statement.ForceReadOnly && !IsReadOnly(connection)
                ? $"Queries here run read-only and must be one statement; send the statements on connection '{connection.Name}' one at a time."
                : $"Connection '{connection.Name}' is read-only, and a query on it must be one statement; run the statements one at a time.");
        }

        using var timeout = new CancellationTokenSource(statement.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return provider switch
            {
                Sqlite => await RunSqliteAsync(connectionString, readOnly, statement, linked.Token),
                Postgres or "postgresql" => await RunPostgresAsync(connectionString, readOnly, statement, linked.Token),
                null => throw new NodeException($"Connection '{connection.Name}' has no Provider; set it to {Sqlite} or {Postgres}."),
                _ => throw new NodeException($"Connection '{connection.Name}' has Provider '{provider}'; use {Sqlite} or {Postgres}."),
            };
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested && ex is not NodeException)
        {
            throw new NodeException(
                $"The query on connection '{connection.Name}' did not finish within {Describe(statement.Timeout)} and was cancelled; {statement.TimeoutHint}, or make the query faster.", ex);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteReadOnlyError && readOnly)
        {
            throw new NodeException(ReadOnlyMessage(connection, statement, ex.Message), ex);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresReadOnlyState)
        {
            throw new NodeException(ReadOnlyMessage(connection, statement, ex.MessageText), ex);
        }
        catch (SqliteException ex)
        {
            throw new NodeException($"The query on connection '{connection.Name}' failed: {ex.Message}", ex);
        }
        catch (PostgresException ex)
        {
            var at = ex.Position > 0 ? $" at character {ex.Position}{Near(statement.Query, ex.Position)}" : "";
            throw new NodeException($"The query on connection '{connection.Name}' failed{at}: {ex.MessageText} (SQLSTATE {ex.SqlState}).", ex);
        }
        catch (NpgsqlException ex) when (!ct.IsCancellationRequested)
        {
            throw new NodeException($"Connection '{connection.Name}' could not reach its PostgreSQL server: {ex.Message}", ex);
        }
        catch (ArgumentException ex) when (ex.Data.Contains(ConnectionStringError))
        {
            // The provider's message may quote a value of the connection string, which can hold a password: it stays out.
            throw new NodeException($"Connection '{connection.Name}' has a ConnectionString that {provider} cannot read; check its keywords and values.", ex);
        }
    }

    private static string ReadOnlyMessage(Connection connection, SqlStatement statement, string detail) => statement.ForceReadOnly && !IsReadOnly(connection)
        ? $"Queries here run read-only, so the statement on connection '{connection.Name}' may not change data ({detail}); use a tool/sql node with mode execute for writes."
        : $"Connection '{connection.Name}' is read-only; the statement tried to change data ({detail}). Use a connection without ReadOnly for writes.";

    private static async Task<SqlResult> RunSqliteAsync(string connectionString, bool readOnly, SqlStatement statement, CancellationToken ct)
    {
        var builder = ReadConnectionString(() => new SqliteConnectionStringBuilder(connectionString));
        // A read-only open has its own pool, so a writable pooled connection is never handed out for a read-only query.
        if (readOnly) builder.Mode = SqliteOpenMode.ReadOnly;
        else if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            // A file under a data folder that does not exist yet (a fresh install) is created with its folder.
            Directory.CreateDirectory(folder);
        }
        await using var db = new SqliteConnection(builder.ConnectionString);
        await db.OpenAsync(ct);
        if (readOnly) await db.ExecuteAsync("pragma query_only = 1");
        // Microsoft.Data.Sqlite runs statements synchronously; sqlite3_interrupt stops one from another thread.
        await using var interrupt = ct.Register(() => SQLitePCL.raw.sqlite3_interrupt(db.Handle));
        return await ExecuteAsync(db, null, statement, ct);
    }

    private async Task<SqlResult> RunPostgresAsync(string connectionString, bool readOnly, SqlStatement statement, CancellationToken ct)
    {
        var source = _postgres.GetOrAdd(connectionString, cs => new Lazy<DbDataSource>(() => ReadConnectionString<DbDataSource>(() => NpgsqlDataSource.Create(cs)))).Value;
        await using var db = await source.OpenConnectionAsync(ct);
        if (!readOnly) return await ExecuteAsync(db, null, statement, ct);
        await using var transaction = await db.BeginTransactionAsync(ct);
        await db.ExecuteAsync(new CommandDefinition("set transaction read only", transaction: transaction, cancellationToken: ct));
        var result = await ExecuteAsync(db, transaction, statement, ct);
        await transaction.RollbackAsync(ct);
        return result;
    }

    private static async Task<SqlResult> ExecuteAsync(DbConnection db, DbTransaction? transaction, SqlStatement statement, CancellationToken ct)
    {
        // The token times the statement out; the provider's own timeout is set past it so that ours speaks first.
        var seconds = (int)Math.Min(int.MaxValue, Math.Ceiling(statement.Timeout.TotalSeconds) + 5);
        var command = new CommandDefinition(statement.Query, Bind(statement.Parameters), transaction, seconds, cancellationToken: ct);
        if (statement.Mode == SqlMode.Execute)
        {
            var affected = await db.ExecuteAsync(command);
            return new SqlResult(EmptyArray, false, Math.Max(affected, 0));
        }
        var limit = statement.Mode == SqlMode.One ? 1 : statement.MaxRows;
        await using var reader = await db.ExecuteReaderAsync(command);
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        var truncated = false;
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            var names = ColumnNames(reader);
            while (await reader.ReadAsync(ct))
            {
                if (count == limit)
                {
                    truncated = true;
                    break;
                }
                WriteRow(writer, reader, names);
                count++;
            }
            writer.WriteEndArray();
        }
        return new SqlResult(JsonElement.Parse(buffer.WrittenSpan), truncated, 0);
    }

    // Marks a provider's refusal of the connection string itself, as opposed to an argument problem elsewhere.
    private static T ReadConnectionString<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ArgumentException ex)
        {
            ex.Data[ConnectionStringError] = true;
            throw;
        }
    }

    private static DynamicParameters Bind(IReadOnlyList<KeyValuePair<string, JsonElement>> parameters)
    {
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters)
        {
            object? clr = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number when value.TryGetInt64(out var whole) => whole,
                JsonValueKind.Number when value.TryGetDecimal(out var exact) => exact,
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            };
            bound.Add(name, clr);
        }
        return bound;
    }

    private static string Describe(TimeSpan timeout) => timeout.TotalSeconds < 60
        ? $"{timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
        : timeout.ToString("c", CultureInfo.InvariantCulture);

    // A few characters of the query around PostgreSQL's 1-based error position.
    private static string Near(string query, int position)
    {
        var index = Math.Clamp(position - 1, 0, Math.Max(query.Length - 1, 0));
        var end = Math.Min(query.Length, index + 20);
        var text = query[index..end].ReplaceLineEndings(" ");
        return text.Length == 0 ? "" : $" (near '{text}')";
    }

    private static readonly JsonElement EmptyArray = JsonElement.Parse("[]");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var source in _postgres.Values.Where(s => s.IsValueCreated)) await source.Value.DisposeAsync();
        _postgres.Clear();
    }
}
