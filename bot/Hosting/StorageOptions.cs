using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using ChatFlows.Core.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatFlows.Bot.Hosting;

/// <summary>Where runs and workflows are kept (<c>ChatFlows:Storage</c>).</summary>
public sealed class StorageOptions : IValidatableObject
{
    private const string Key = "ChatFlows:Storage:ConnectionString";
    private const string SqliteExample = "'Data Source=./data/chatflows.db'";
    private const string PostgresExample = "'Host=db.internal;Port=5432;Database=chatflows;Username=chatflows;Password=…'";

    /// <summary><c>sqlite</c> (the default, one machine) or <c>postgres</c> (one database shared by several instances).</summary>
    [Required]
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "ChatFlows:Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// For SQLite, <c>Data Source=path/to/chatflows.db</c>; for PostgreSQL,
    /// <c>Host=db;Database=chatflows;Username=chatflows;Password=…</c>.
    /// </summary>
    public string ConnectionString { get; set; } = SqliteDatabase.DefaultConnectionString;

    /// <summary>The provider as a value (validated by <see cref="Provider"/>'s pattern).</summary>
    internal StorageProvider StorageProvider => Provider == "postgres" ? Core.Storage.StorageProvider.Postgres : Core.Storage.StorageProvider.Sqlite;

    /// <summary>
    /// Where the Data Protection keys that encrypt stored secrets are kept; default <c>keys</c> beside the SQLite
    /// database. On PostgreSQL, left empty, the keys are kept in the database itself (table <c>data_protection_keys</c>)
    /// so that every instance shares them; set, it wins (a folder every instance mounts). Back the keys up with the
    /// database: without them, stored secrets cannot be read.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>
    /// A PFX file whose certificate (RSA, with its private key) encrypts the Data Protection keys on disk; without it
    /// they are stored in the clear and the host warns at start-up. Keep the file apart from the keys directory.
    /// </summary>
    public string? KeysCertificate { get; set; }

    /// <summary>The password of <see cref="KeysCertificate"/>; empty for a PFX without one.</summary>
    public string? KeysCertificatePassword { get; set; }

    /// <summary>
    /// The connection string must be one the chosen provider reads (README §Start-up problems): an empty one, or one
    /// written for the other provider, is a wrong setting named with an example — never a stack trace at start-up.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string[] member = [nameof(ConnectionString)];
        var postgres = Provider == "postgres";
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(postgres
                ? $"{Key} is empty; with ChatFlows:Storage:Provider 'postgres' set it to e.g. {PostgresExample}"
                : $"{Key} is empty; set it to e.g. {SqliteExample}", member);
            yield break;
        }
        if (postgres && PostgresProblem(ConnectionString) is { } problem)
        {
            yield return new ValidationResult($"{Key} is not a PostgreSQL connection string ({problem}); with ChatFlows:Storage:Provider 'postgres' write it as e.g. {PostgresExample}", member);
        }
        else if (Provider == "sqlite" && SqliteProblem(ConnectionString) is { } sqlite)
        {
            yield return new ValidationResult($"{Key} is not a SQLite connection string ({sqlite}); write it as e.g. {SqliteExample}, or set ChatFlows:Storage:Provider to 'postgres' for a PostgreSQL server", member);
        }
    }

    // What keeps Npgsql from reading it, in words that never repeat a value (a password may be among them). Never
    // inlined into Validate, which runs on SQLite too and must not load Npgsql (README §Memory).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? PostgresProblem(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex) when (ex.ParamName is { Length: > 0 } name && name != "connectionString")
        {
            return $"it has the key '{name}', which PostgreSQL does not know, or a value for it that is not valid";
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            return "it cannot be read as key=value pairs";
        }
        if (string.IsNullOrEmpty(builder.Host)) return "it names no Host";
        if (string.IsNullOrEmpty(builder.Database)) return "it names no Database";
        return null;
    }

    private static string? SqliteProblem(string connectionString)
    {
        try
        {
            return string.IsNullOrEmpty(new SqliteConnectionStringBuilder(connectionString).DataSource) ? "it names no Data Source" : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message.Split(". ")[0].TrimEnd('.');
        }
    }
}
