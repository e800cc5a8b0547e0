using System.Collections.Concurrent;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// Compiled plans of stored workflow versions. A version never changes once saved, so its plan is compiled once
/// and shared by every run pinned to it.
/// </summary>
public sealed class WorkflowPlans(IWorkflowStore workflows, NodeRegistry registry)
{
    private readonly ConcurrentDictionary<(string Id, int Version), Lazy<Task<WorkflowPlan?>>> _plans = new();

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
        var stored = await workflows.GetAsync(workflowId, ct);
        return stored is null ? null : await GetAsync(workflowId, stored.Document.Version, ct);
    }

    /// <summary>Adds a plan compiled by the caller (a workflow just saved), so its first run does not compile it again.</summary>
    public void Remember(WorkflowPlan plan) =>
        _plans.TryAdd((plan.Document.Id, plan.Document.Version), new Lazy<Task<WorkflowPlan?>>(Task.FromResult<WorkflowPlan?>(plan)));

    private async Task<WorkflowPlan?> CompileAsync(string workflowId, int version)
    {
        var document = await workflows.GetVersionAsync(workflowId, version);
        return document is null ? null : WorkflowPlan.Compile(document, registry);
    }
}
