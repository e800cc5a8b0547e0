namespace ChatFlows.Core.Audit;

/// <summary>An audit log in memory, for hosts without a database (the command line) and engine tests.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries
    {
        get
        {
            lock (_gate) return [.. _entries];
        }
    }

    public Task<AuditEntry> AppendAsync(AuditEntry entry, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var appended = entry with { Id = _entries.Count + 1 };
            _entries.Add(appended);
            return Task.FromResult(appended);
        }
    }
}
