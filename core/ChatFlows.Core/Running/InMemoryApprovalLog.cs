using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>The approval journal in memory, for an engine without a database (tests, <c>chatflows test</c>).</summary>
public sealed class InMemoryApprovalLog : IApprovalLog
{
    private readonly Lock _gate = new();
    private readonly List<ApprovalEvent> _entries = [];

    /// <inheritdoc />
    public Task<bool> AppendAsync(ApprovalEvent entry, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_entries.Any(e => e.RunId == entry.RunId && e.NodeId == entry.NodeId && e.Key == entry.Key)) return Task.FromResult(false);
            _entries.Add(entry with { Data = entry.Data.ValueKind == JsonValueKind.Undefined ? JsonSerializer.SerializeToElement(new { }) : entry.Data.Clone() });
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApprovalEvent>> ListAsync(string runId, string nodeId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ApprovalEvent>>(_entries.Where(e => e.RunId == runId && e.NodeId == nodeId).OrderBy(e => e.At).ThenBy(e => e.Key, StringComparer.Ordinal).ToList());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApprovalEvent>> ListAsync(string runId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ApprovalEvent>>(_entries.Where(e => e.RunId == runId).OrderBy(e => e.At).ThenBy(e => e.NodeId, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal).ToList());
        }
    }

    /// <inheritdoc />
    public Task DeleteRunsAsync(IReadOnlyCollection<string> runIds, CancellationToken ct = default)
    {
        lock (_gate) _entries.RemoveAll(e => runIds.Contains(e.RunId));
        return Task.CompletedTask;
    }
}
