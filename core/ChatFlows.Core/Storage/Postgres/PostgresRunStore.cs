using System.Data.Common;
using ChatFlows.Core.Storage.Relational;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Storage.Postgres;

/// <summary>
/// Runs in PostgreSQL, shared by every instance (README §Running several instances): the shared relational store
/// (<see cref="RelationalRunStore"/>) with claims that skip the rows another instance is claiming or writing, and a
/// journal that locks the runs it writes to until it commits, so that no claim slips between a fenced write and its commit.
/// </summary>
public sealed class PostgresRunStore(PostgresDatabase database, TimeProvider time, ILogger<PostgresRunStore>? logger = null)
    : RelationalRunStore(database, time, logger ?? NullLogger<PostgresRunStore>.Instance)
{
    // Rows locked by another claim (or by a journal commit) are skipped, never waited for and never claimed twice;
    // a row claimed and committed meanwhile is re-checked against the condition and dropped.
    private const string Claim = $"""
        with picked as (
            select id from runs
            where {Claimable}
            order by id
            limit @Max
            for update skip locked)
        update runs set lease_owner = @Owner, lease_expires_at = @Until, lease_epoch = runs.lease_epoch + 1
        from picked
        where runs.id = picked.id
        returning runs.id, runs.lease_epoch
        """;

    // Dapper sends a list as one array parameter to PostgreSQL. The rows are locked in id order, the order the
    // journal takes them in: an update that locked them in any order could deadlock with this instance's own journal
    // commit, fail, and let every lease it should have renewed lapse.
    private const string Renew = """
        with mine as (
            select id from runs
            where lease_owner = @Owner and id = any(@Ids)
            order by id
            for no key update)
        update runs set lease_expires_at = @Until
        from mine
        where runs.id = mine.id
        """;

    private const string Leases = "select id, lease_owner, lease_epoch, cancel_requested from runs where id = any(@Ids)";

    private const string LockSql = "select id from runs where id = any(@Ids) order by id for share";

    /// <inheritdoc />
    protected override string ClaimSql => Claim;

    /// <inheritdoc />
    protected override string RenewSql => Renew;

    /// <inheritdoc />
    protected override string LeasesSql => Leases;

    /// <inheritdoc />
    protected override bool LocksRunsForJournal => true;

    /// <inheritdoc />
    protected override void LockRunsForJournal(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> runIds) =>
        connection.Execute(new CommandDefinition(LockSql, new { Ids = runIds.ToArray() }, transaction));
}
