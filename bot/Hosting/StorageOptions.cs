using System.ComponentModel.DataAnnotations;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Hosting;

/// <summary>Where runs and workflows are kept (<c>ChatFlows:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (the default, one machine) or <c>postgres</c> (one database shared by several instances).</summary>
    [Required]
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "ChatFlows:Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// For SQLite, <c>Data Source=path/to/chatflows.db</c>; for PostgreSQL,
    /// <c>Host=db;Database=chatflows;Username=chatflows;Password=…</c>.
    /// </summary>
    [Required(ErrorMessage = "ChatFlows:Storage:ConnectionString is empty; set it to e.g. 'Data Source=./data/chatflows.db'.")]
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
}
