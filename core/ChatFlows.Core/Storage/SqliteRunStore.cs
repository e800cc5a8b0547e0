using ChatFlows.Core.Storage.Relational;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Storage;

/// <summary>
/// Runs in SQLite: the shared relational store (<see cref="RelationalRunStore"/>) with SQLite's claim and id lists.
/// SQLite has one writer at a time, which is what makes its claim and its journal safe without row locks.
/// </summary>
public sealed class SqliteRunStore(SqliteDatabase database, TimeProvider time, ILogger<SqliteRunStore>? logger = null)
    : RelationalRunStore(database, time, logger ?? NullLogger<SqliteRunStore>.Instance)
{
    // One writer at a time: the select and the update cannot interleave with another claim.
    private const string Claim = $"""
        update runs set lease_owner = @Owner, lease_expires_at = @Until, lease_epoch = lease_epoch + 1
        where id in (select id from runs where {Claimable} order by id limit @Max)
        returning id, lease_epoch
        """;

    // Dapper expands "in @Ids" into one parameter per id.
    private const string Renew = "update runs set lease_expires_at = @Until where lease_owner = @Owner and id in @Ids";

    private const string Leases = "select id, lease_owner, lease_epoch, cancel_requested from runs where id in @Ids";

    /// <inheritdoc />
    protected override string ClaimSql => Claim;

    /// <inheritdoc />
    protected override string RenewSql => Renew;

    /// <inheritdoc />
    protected override string LeasesSql => Leases;
}
