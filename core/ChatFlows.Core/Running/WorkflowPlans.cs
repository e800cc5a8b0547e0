using System.Collections.Concurrent;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// Compiled plans of stored workflow versions. A version never changes once saved, so its plan is compiled once
/// and shared by every run pinned to it.
/// </summary>
public sealed class WorkflowPlans
{
    private readonly IWorkflowStore _workflows;
    private readonly NodeRegistry _registry;
    private readonly ConcurrentDictionary<(string Id, int Version), Lazy<Task<WorkflowPlan?>>> _plans = new();
    // The current version per workflow, so that a trigger (a webhook under load) does not read and parse the
    // document for every run; forgotten when the store reports a save or deletion.
    private readonly ConcurrentDictionary<string, WorkflowPlan> _current = new(StringComparer.Ordinal);
    private long _changes;

    /// <summary>
    /// Compiles stored versions with <paramref name="registry"/> and follows saves made through
    /// <paramref name="workflows"/> (on any instance, when it is a <see cref="ClusteredWorkflowStore"/>). When the
    /// <paramref name="bus"/> says notices were missed, every current version is read again.
    /// </summary>
    public WorkflowPlans(IWorkflowStore workflows, NodeRegistry registry, IClusterBus? bus = null)
    {
        _workflows = workflows;
        _registry = registry;
        workflows.Changed += change =>
        {
            Interlocked.Increment(ref _changes);
            _current.TryRemove(change.WorkflowId, out _);
        };
        bus?.Subscribe(ClusterTopics.Missed, _ =>
        {
            Interlocked.Increment(ref _changes);
            _current.Clear();
        });
    }

    /// <summary>The plan of a stored version; null when that version does not exist. Throws when it no longer validates.</summary>
    public async Task<WorkflowPlan?> GetAsync(string workflowId, int version, CancellationToken ct = default)
    {
        var entry = _plans.GetOrAdd((workflowId, version), key => new Lazy<Task<WorkflowPlan?>>(() => CompileAsync(key.Id, key.Version)));
        try
        {
            return await entry.Value.WaitAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failed load (the database was busy) is not remembered.
            _plans.TryRemove(new((workflowId, version), entry));
            throw;
        }
    }

    /// <summary>The plan of a workflow's current version, or null when there is no such workflow.</summary>
    public async Task<WorkflowPlan?> GetCurrentAsync(string workflowId, CancellationToken ct = default)
    {
        if (_current.TryGetValue(workflowId, out var cached)) return cached;
        var changes = Interlocked.Read(ref _changes);
        var stored = await _workflows.GetAsync(workflowId, ct);
        var plan = stored is null ? null : await GetAsync(workflowId, stored.Document.Version, ct);
        // Kept only if no save or deletion happened meanwhile, which could have made it stale.
        if (plan is not null && Interlocked.Read(ref _changes) == changes) _current.TryAdd(workflowId, plan);
        return plan;
    }

    /// <summary>Adds a plan compiled by the caller (a workflow just saved), so its first run does not compile it again.</summary>
    public void Remember(WorkflowPlan plan) =>
        _plans.TryAdd((plan.Document.Id, plan.Document.Version), new Lazy<Task<WorkflowPlan?>>(Task.FromResult<WorkflowPlan?>(plan)));

    private async Task<WorkflowPlan?> CompileAsync(string workflowId, int version)
    {
        var document = await _workflows.GetVersionAsync(workflowId, version);
        return document is null ? null : WorkflowPlan.Compile(document, _registry);
    }
}
