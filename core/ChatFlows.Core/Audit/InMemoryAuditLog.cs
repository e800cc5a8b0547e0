namespace ChatFlows.Core.Audit;

/// <summary>An audit log in memory, for hosts without a database (the command line) and engine tests.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];
    private readonly Lock _gate = new();
    private long _lastId;

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
            var appended = entry with { Id = ++_lastId };
            _entries.Add(appended);
            return Task.FromResult(appended);
        }
    }

    public Task<AuditPage> ListAsync(AuditQuery query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        lock (_gate)
        {
            var matches = _entries.Where(query.Matches).OrderByDescending(e => e.Id).Take(limit + 1).ToArray();
            var next = matches.Length > limit ? matches[limit - 1].Id : (long?)null;
            return Task.FromResult(new AuditPage(matches.Take(limit).ToArray(), next));
        }
    }

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult(_entries.RemoveAll(e => e.At < before));
    }
}
