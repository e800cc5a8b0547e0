using System.Net.Sockets;
using System.Text.RegularExpressions;
using ChatFlows.Core.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Why the host could not start, as the one line the person who started it reads (README §Start-up problems): a port
/// in use, a database that is locked or cannot be opened, a PostgreSQL server that cannot be reached or refuses the
/// user or has no such database, a wrong setting — each saying what to do, never with a password. The stack trace
/// is for the log (at Debug), never for the terminal.
/// </summary>
internal static partial class StartupFailure
{
    private const string Prefix = "chatflows: ";
    private const string StorageKey = "ChatFlows:Storage:ConnectionString";

    // The host's own "Hosting failed to start" error carries the whole stack trace; the one line replaces it.
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    // The bus between instances starts listening on PostgreSQL as soon as it exists, before the schema is migrated: a
    // server that cannot be reached shows there first, as a warning with its stack trace, then as the one line.
    private const string ClusterCategory = "ChatFlows.Core.Cluster";

    /// <summary>
    /// Keeps the generic host's start-up errors out of the console until the host has started, so that a failed start
    /// shows only <see cref="Describe"/>'s line; after the start every error is logged as usual.
    /// </summary>
    public static void QuietUntilStarted(WebApplicationBuilder builder, Func<bool> started)
    {
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (level < LogLevel.Error || started()));
        builder.Logging.AddFilter(ClusterCategory, level => level >= LogLevel.Information && (level < LogLevel.Warning || started()));
    }

    /// <summary>
    /// The storage settings the host starts with, read before it runs: a host that failed to start has disposed of
    /// its configuration by the time <see cref="Describe"/> is called.
    /// </summary>
    public static StorageSettings Storage(IConfiguration configuration) =>
        new(configuration["ChatFlows:Storage:Provider"], configuration[StorageKey]);

    /// <summary>
    /// The one line for a start that failed with <paramref name="error"/>, or null when it is not one of the known
    /// causes; <paramref name="storage"/> says which database the host was to use.
    /// </summary>
    public static string? Describe(Exception error, StorageSettings storage)
    {
        var chain = Chain(error).ToList();
        var databasePath = DatabasePath(storage);
        if (chain.OfType<AddressInUseException>().Any() || chain.OfType<SocketException>().Any(s => s.SocketErrorCode == SocketError.AddressAlreadyInUse))
        {
            var address = BindAddress(chain);
            return address is null
                ? $"{Prefix}the address to listen on is in use by another program; stop it or start with another port, e.g. --urls http://localhost:5081."
                : $"{Prefix}{address} is in use by another program; stop it or start with --urls {NextPort(address)}.";
        }
        if (chain.OfType<SocketException>().FirstOrDefault(s => s.SocketErrorCode == SocketError.AccessDenied) is not null)
        {
            var address = BindAddress(chain) ?? "the address";
            return $"{Prefix}this user may not listen on {address}; start with a port above 1023, e.g. --urls http://localhost:5080.";
        }
        if (chain.OfType<OptionsValidationException>().FirstOrDefault() is { } invalid)
        {
            var problems = invalid.Failures.Select(CleanFailure).Where(f => f.Length > 0).Distinct();
            return $"{Prefix}a setting is wrong: {OneLine(string.Join("; ", problems))}. Fix it in appsettings.json, an environment variable or the command line.";
        }
        if (chain.OfType<BadSettingException>().FirstOrDefault() is { } bad)
        {
            return $"{Prefix}a setting is wrong: {OneLine(bad.Message).TrimEnd('.')}. Fix it in appsettings.json, an environment variable or the command line.";
        }
        if (chain.OfType<NpgsqlException>().FirstOrDefault() is { } postgres && Postgres(storage) is { } server)
        {
            return DescribePostgres(postgres, server);
        }
        if (chain.OfType<SqliteException>().FirstOrDefault() is { } sqlite)
        {
            var database = databasePath is null ? "the database" : $"the database {databasePath}";
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another process holds the file.
            if (sqlite.SqliteErrorCode is 5 or 6)
            {
                return $"{Prefix}{database} is locked by another program (is another chatflows using it?); stop that program, or set {StorageKey} to another file.";
            }
            return $"{Prefix}{database} cannot be opened ({OneLine(SqliteMessage(sqlite))}); check that it is a ChatFlows database and that this user may read and write it and its folder, or set {StorageKey} to another file.";
        }
        if (databasePath is not null && chain.OfType<UnauthorizedAccessException>().FirstOrDefault() is { } denied && denied.Message.Contains(Path.GetDirectoryName(databasePath)!, StringComparison.Ordinal))
        {
            return $"{Prefix}the database folder {Path.GetDirectoryName(databasePath)} cannot be created or written ({OneLine(denied.Message).TrimEnd('.')}); give this user access to it, or set {StorageKey} to another file.";
        }
        return null;
    }

    /// <summary>The database file <c>ChatFlows:Storage:ConnectionString</c> names, as an absolute path; null when it names none (or PostgreSQL is used).</summary>
    private static string? DatabasePath(StorageSettings storage)
    {
        if (IsPostgres(storage)) return null;
        try
        {
            var source = new SqliteConnectionStringBuilder(storage.ConnectionString ?? SqliteDatabase.DefaultConnectionString).DataSource;
            return string.IsNullOrEmpty(source) ? null : Path.GetFullPath(source);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsPostgres(StorageSettings storage) => storage.Provider == "postgres";

    // The server and database the connection string names, without its password; null when it cannot be read (the
    // settings check says so first).
    private static NpgsqlConnectionStringBuilder? Postgres(StorageSettings storage)
    {
        if (!IsPostgres(storage)) return null;
        try
        {
            return new NpgsqlConnectionStringBuilder(storage.ConnectionString ?? "");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static string DescribePostgres(NpgsqlException error, NpgsqlConnectionStringBuilder server)
    {
        var address = $"{server.Host}:{server.Port}";
        var user = string.IsNullOrEmpty(server.Username) ? Environment.UserName : server.Username;
        if (error is PostgresException refused)
        {
            var said = OneLine(refused.MessageText).TrimEnd('.');
            return refused.SqlState switch
            {
                PostgresErrorCodes.InvalidCatalogName =>
                    $"{Prefix}the PostgreSQL server {address} has no database {server.Database}; create it (e.g. createdb -h {server.Host} -p {server.Port} -U {user} {server.Database}), or set Database in {StorageKey} to one that exists.",
                // A wrong password, no such role, or no pg_hba.conf line for this address.
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    $"{Prefix}the PostgreSQL server {address} refused user {user} for database {server.Database} ({said}); check Username and Password in {StorageKey}, and the server's pg_hba.conf.",
                PostgresErrorCodes.InsufficientPrivilege =>
                    $"{Prefix}user {user} may not create the ChatFlows tables in {address}/{server.Database} ({said}); make it the database's owner (ALTER DATABASE {server.Database} OWNER TO {user}), or set Username in {StorageKey} to the owner.",
                _ => $"{Prefix}the PostgreSQL server {address} refused to open {server.Database} ({said}, SQLSTATE {refused.SqlState}); fix the server or {StorageKey}.",
            };
        }
        var reason = Chain(error).Select(e => e switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => "no such host",
            SocketException socket => OneLine(socket.Message).TrimEnd('.'),
            TimeoutException => "no answer in time",
            _ => null,
        }).FirstOrDefault(r => r is not null) ?? OneLine(error.Message).TrimEnd('.');
        return $"{Prefix}the PostgreSQL server {address} (database {server.Database}) cannot be reached ({reason}); start it, or set Host and Port in {StorageKey} to where it listens.";
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        var pending = new Stack<Exception>([error]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    // Kestrel: "Failed to bind to address http://127.0.0.1:5080: address already in use."
    private static string? BindAddress(IEnumerable<Exception> chain) =>
        chain.Select(e => BindMessage().Match(e.Message)).FirstOrDefault(m => m.Success)?.Groups[1].Value;

    private static string NextPort(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var url) && !url.IsDefaultPort && url.Port < 65535
            ? new UriBuilder(url) { Port = url.Port + 1 }.Uri.GetLeftPart(UriPartial.Authority)
            : "http://localhost:5081";

    // Data annotations say "DataAnnotation validation failed for 'X' members: 'Y' with the error: 'message'."; keep the message.
    private static string CleanFailure(string failure)
    {
        var annotation = AnnotationFailure().Match(failure);
        return OneLine(annotation.Success ? annotation.Groups[1].Value : failure).TrimEnd('.');
    }

    private static string SqliteMessage(SqliteException error)
    {
        // "SQLite Error 26: 'file is not a database'." → "file is not a database"
        var quoted = QuotedSqliteMessage().Match(error.Message);
        return quoted.Success ? quoted.Groups[1].Value : error.Message.TrimEnd('.');
    }

    private static string OneLine(string text) => WhiteSpace().Replace(text, " ").Trim();

    /// <summary><c>ChatFlows:Storage:Provider</c> and <c>ConnectionString</c> as configured (either may be missing).</summary>
    public readonly record struct StorageSettings(string? Provider, string? ConnectionString);

    [GeneratedRegex(@"Failed to bind to address (\S+?):\s", RegexOptions.IgnoreCase)]
    private static partial Regex BindMessage();

    [GeneratedRegex(@"with the error: '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex AnnotationFailure();

    [GeneratedRegex(@"SQLite Error \d+: '(.*)'", RegexOptions.Singleline)]
    private static partial Regex QuotedSqliteMessage();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
