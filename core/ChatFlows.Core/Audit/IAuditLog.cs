namespace ChatFlows.Core.Audit;

/// <summary>The append-only audit log (README §Audit log).</summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="entry"/> (its <see cref="AuditEntry.Id"/> is ignored) and returns it with its id.</summary>
    Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken ct = default);
}
