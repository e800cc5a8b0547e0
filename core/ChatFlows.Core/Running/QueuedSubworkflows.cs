using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Running;

/// <summary>
/// Starts sub-workflow runs through the durable queue, by asking <see cref="RunStarter"/>. The child is stored with
/// its parent's run and node, and its end is handed to the parent in the same transaction that records it, so the
/// parent continues on whichever instance claims it, also after a restart.
/// </summary>
public sealed class QueuedSubworkflows(IRunStore store, Func<WorkflowPlans> plans, Func<RunStarter> starter, IWorkspaceStore? workspaces = null) : ISubworkflowLauncher
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

        // A child of another workspace only when the caller's workspace allows it (README §Workspaces and roles).
        var target = await starter().FindAsync(request.WorkflowId, ct);
        if (target.Document is { } child && workspaces is not null
            && await WorkspaceCalls.RefusalAsync(workspaces, request.CallerWorkspace, child.Workspace, request.WorkflowId, ct) is { } refusal)
        {
            throw new NodeException(refusal);
        }

        StartOutcome outcome;
        try
        {
            outcome = await starter().StartAsync(target, request.Run with { TriggerNodeId = request.TriggerNodeId }, ct: ct);
        }
        catch (RunAlreadyStoredException)
        {
            // Another instance started this child while it held the parent, after the check above: the parent waits
            // for that child, whose end resumes it wherever it is claimed.
            return null;
        }
        if (outcome is StartOutcome.Refused refused) throw new NodeException(SubworkflowProblem(request.WorkflowId, refused));
        return null;
    }

    /// <summary>The node's error for a child that could not start, saying what to fix.</summary>
    internal static string SubworkflowProblem(string workflowId, StartOutcome.Refused refused) => refused.Kind switch
    {
        StartProblemKind.UnknownWorkflow => $"Workflow '{workflowId}' does not exist; save it first or fix the node's 'workflow'.",
        StartProblemKind.InvalidWorkflow => $"Sub-workflow '{workflowId}' cannot run until it is fixed in the canvas: {refused.Describe(3)}.",
        _ => refused.Problems[0].Message,
    };
}
