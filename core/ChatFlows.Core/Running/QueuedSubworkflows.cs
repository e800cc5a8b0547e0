using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// Starts sub-workflow runs through the durable queue. The child is stored with its parent's run and node, and its
/// end is handed to the parent in the same transaction that records it, so the parent continues on whichever
/// instance claims it, also after a restart.
/// </summary>
public sealed class QueuedSubworkflows(RunQueue queue, IRunStore store, Func<WorkflowPlans> plans) : ISubworkflowLauncher
{
    /// <inheritdoc />
    public async Task<JsonElement?> LaunchAsync(SubworkflowRequest request, CancellationToken ct)
    {
        var childId = request.Run.RunId!;
        if (await store.GetAsync(childId, ct) is { } existing)
        {
            if (!existing.Status.IsTerminal()) return null;
            var version = await plans().GetAsync(existing.WorkflowId, existing.WorkflowVersion, ct)
                ?? throw new NodeException($"Version {existing.WorkflowVersion} of sub-workflow '{existing.WorkflowId}' is no longer stored.");
            return ChildRuns.Outcome(RunState.Restore(version, existing));
        }

        var plan = await plans().GetCurrentAsync(request.WorkflowId, ct)
            ?? throw new NodeException($"Workflow '{request.WorkflowId}' does not exist; save it first or fix the node's 'workflow'.");
        try
        {
            plan.StartingTrigger(request.TriggerNodeId);
        }
        catch (ArgumentException ex)
        {
            throw new NodeException(ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal));
        }
        await queue.EnqueueAsync(plan, request.Run, ct: ct);
        return null;
    }
}
