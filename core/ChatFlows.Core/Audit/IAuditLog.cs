namespace ChatFlows.Core.Audit;

/// <summary>
/// The append-only audit log (README §Audit log). Entries are never changed; the only way one leaves is
/// <see cref="PruneAsync"/>, by age, for retention.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="entry"/> (its <see cref="AuditEntry.Id"/> is ignored) and returns it with its id.</summary>
    Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken ct = default);

    /// <summary>One page of the entries that match <paramref name="query"/>, newest first.</summary>
    Task<AuditPage> ListAsync(AuditQuery query, CancellationToken ct = default);

    /// <summary>Deletes the entries recorded before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct = default);
}
