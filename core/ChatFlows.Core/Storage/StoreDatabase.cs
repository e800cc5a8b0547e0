using System.Data.Common;
using System.Reflection;
using Dapper;

namespace ChatFlows.Core.Storage;

/// <summary>
/// The one relational database an instance keeps its state in (docs/architecture.md §Storage): SQLite for one
/// machine, PostgreSQL when several instances share it. Stores write their SQL once against this and keep only what
/// differs by provider beside it; <see cref="Provider"/> says which dialect a store is talking to.
/// </summary>
public abstract class StoreDatabase
{
    // Columns are snake_case; row classes are PascalCase.
    static StoreDatabase() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Which database this is.</summary>
    public abstract StorageProvider Provider { get; }

    /// <summary>Where it is, for logs and the start-up banner (never a password), e.g. <c>SQLite at /srv/data/chatflows.db</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Opens a pooled connection with this database's settings.</summary>
    public abstract DbConnection Open();

    /// <summary>Opens a pooled connection without blocking a thread on the network.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct = default);

    /// <summary>
    /// Opens the connection the run journal's writer commits on for as long as it runs (docs/architecture.md §Storage);
    /// by default a pooled one like any other.
    /// </summary>
    public virtual ValueTask<DbConnection> OpenJournalWriterAsync(CancellationToken ct = default) => OpenAsync(ct);

    /// <summary>Told after each commit of the run journal's <paramref name="writer"/>, so that the database can tidy its log; by default nothing.</summary>
    public virtual void JournalCommitted(DbConnection writer)
    {
    }

    /// <summary>Applies every script of <paramref name="area"/> for this provider not applied yet; safe when several instances start at once.</summary>
    public abstract void Migrate(MigrationArea area);

    /// <summary>Brings core's own tables up to date.</summary>
    public void Migrate() => Migrate(MigrationArea.Core);
}

/// <summary>The storage providers (<c>ChatFlows:Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>One file, one instance (the default).</summary>
    Sqlite,

    /// <summary>One server shared by any number of instances.</summary>
    Postgres,
}

/// <summary>
/// The tables of one area of the product (core, the bot's chat adapters) with their numbered scripts, embedded in
/// <paramref name="Assembly"/> under <c>Migrations/sqlite</c> and <c>Migrations/postgres</c>, and the table that
/// records which of them ran.
/// </summary>
/// <param name="Name">For messages, e.g. <c>core</c>.</param>
/// <param name="Assembly">Where the scripts are embedded.</param>
/// <param name="JournalTable">DbUp's record of applied scripts for this area.</param>
public sealed record MigrationArea(string Name, Assembly Assembly, string JournalTable)
{
    /// <summary>Core's tables: workflows, runs and their journal, agents, secrets, connections, chat cards, claims.</summary>
    public static MigrationArea Core { get; } = new("core", typeof(MigrationArea).Assembly, "SchemaVersions");

    /// <summary>True for a script of this area written for <paramref name="provider"/>.</summary>
    public bool IsScript(string resourceName, StorageProvider provider) =>
        resourceName.Contains(provider == StorageProvider.Sqlite ? ".Migrations.sqlite." : ".Migrations.postgres.", StringComparison.Ordinal);
}
