using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Cluster;

/// <summary>
/// The workflow store of an instance that shares its database (README §Running several instances): saves and
/// deletions made here are told to the other instances, and theirs raise <see cref="Changed"/> here as this
/// instance's own do — so the plan cache, the scheduler and the mail watcher follow a save made anywhere.
/// </summary>
public sealed class ClusteredWorkflowStore : IWorkflowStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IWorkflowStore _inner;
    private readonly IClusterBus _bus;
    private readonly IDisposable _subscription;

    /// <summary>Wraps the store of this instance; <paramref name="inner"/>'s own event is not listened to, this store raises its own.</summary>
    public ClusteredWorkflowStore(IWorkflowStore inner, IClusterBus bus)
    {
        _inner = inner;
        _bus = bus;
        _subscription = bus.Subscribe(ClusterTopics.WorkflowChanged, OnNotice);
    }

    /// <inheritdoc />
    public event Action<WorkflowChange>? Changed;

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredWorkflow>> ListAsync(CancellationToken ct = default) => _inner.ListAsync(ct);

    /// <inheritdoc />
    public Task<StoredWorkflow?> GetAsync(string id, CancellationToken ct = default) => _inner.GetAsync(id, ct);

    /// <inheritdoc />
    public Task<WorkflowDocument?> GetVersionAsync(string id, int version, CancellationToken ct = default) => _inner.GetVersionAsync(id, version, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowVersion>> ListVersionsAsync(string id, CancellationToken ct = default) => _inner.ListVersionsAsync(id, ct);

    /// <inheritdoc />
    public async Task<StoredWorkflow?> CreateAsync(WorkflowDocument document, string? savedBy = null, CancellationToken ct = default)
    {
        var saved = await _inner.CreateAsync(document, savedBy, ct);
        if (saved is not null) Tell(new WorkflowChange(document.Id, saved.Document.Version));
        return saved;
    }

    /// <inheritdoc />
    public async Task<StoredWorkflow?> UpdateAsync(WorkflowDocument document, int expectedVersion, string? savedBy = null, CancellationToken ct = default)
    {
        var saved = await _inner.UpdateAsync(document, expectedVersion, savedBy, ct);
        if (saved is not null) Tell(new WorkflowChange(document.Id, saved.Document.Version));
        return saved;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, int? expectedVersion = null, CancellationToken ct = default)
    {
        var deleted = await _inner.DeleteAsync(id, expectedVersion, ct);
        if (deleted) Tell(new WorkflowChange(id, null));
        return deleted;
    }

    /// <summary>Stops listening to other instances.</summary>
    public void Dispose() => _subscription.Dispose();

    private void Tell(WorkflowChange change)
    {
        Changed?.Invoke(change);
        _bus.Publish(new ClusterNotice(ClusterTopics.WorkflowChanged, JsonSerializer.Serialize(new Notice(change.WorkflowId, change.Version), Json)));
    }

    private void OnNotice(ClusterNotice notice)
    {
        var told = JsonSerializer.Deserialize<Notice>(notice.Payload, Json);
        if (told?.Id is { Length: > 0 } id) Changed?.Invoke(new WorkflowChange(id, told.Version));
    }

    // The payload of ClusterTopics.WorkflowChanged.
    private sealed record Notice(string? Id, int? Version);
}
