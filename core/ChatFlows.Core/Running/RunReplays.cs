using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// Replays a finished run from one of its nodes (README §Replay a run): a new run of the workflow's current version, with
/// the same trigger, linked to the old run. Every node that is neither the chosen node nor downstream of it keeps
/// what it recorded in the old run (output, port, status) and is not executed again, so its side effects are not
/// repeated; the chosen node and everything after it run as in any run (docs/semantics.md).
/// </summary>
/// <remarks>
/// The current version rather than the old run's: a replay is how a fix is tried, so the node replayed from runs as
/// it is now. The reused nodes keep what they produced then, even if edited since; to run an edited node again, replay
/// from it. A node the old run did not finish on its own (stopped by a failure or a cancel) runs again.
/// </remarks>
public sealed class RunReplays(IRunStore store, WorkflowPlans plans, RunQueue queue)
{
    /// <summary>Queues a replay of <paramref name="runId"/> from <paramref name="fromNode"/>, started by <paramref name="startedBy"/>.</summary>
    public async Task<ReplayOutcome> StartAsync(string runId, string fromNode, string? startedBy, CancellationToken ct = default)
    {
        var old = await store.GetAsync(runId, ct);
        if (old is null) return new(ReplayOutcomeKind.RunNotFound, null, $"There is no run '{runId}'.");
        if (!old.Status.IsTerminal())
        {
            return new(ReplayOutcomeKind.NotFinished, null, $"Run {runId} is {old.Status.ToText()}; only a finished run (succeeded, failed, cancelled or expired) can be replayed.");
        }
        WorkflowPlan? plan;
        try
        {
            plan = await plans.GetCurrentAsync(old.WorkflowId, ct);
        }
        catch (WorkflowValidationException ex)
        {
            return new(ReplayOutcomeKind.CannotRun, null, $"Workflow '{old.WorkflowId}' no longer validates; fix it in the canvas and save it again: {string.Join("; ", ex.Problems.Select(p => $"{p.Path}: {p.Message}"))}");
        }
        if (plan is null) return new(ReplayOutcomeKind.CannotRun, null, $"Workflow '{old.WorkflowId}' was deleted; its runs cannot be replayed.");
        if (!plan.IndexById.ContainsKey(fromNode))
        {
            return new(ReplayOutcomeKind.BadNode, null, $"Workflow '{old.WorkflowId}' has no node '{fromNode}' now; replay from one of its nodes.");
        }
        if (old.Nodes.FirstOrDefault(n => n.NodeId == fromNode) is not { Attempts: > 0 })
        {
            return new(ReplayOutcomeKind.BadNode, null, $"Run {runId} never reached node '{fromNode}'; replay from a node it ran.");
        }
        var run = Prepare(plan, old, fromNode, WorkflowEngine.NewRunId(), startedBy);
        await queue.EnqueueAsync(run, ct: ct);
        return new(ReplayOutcomeKind.Started, run.Id, null);
    }

    /// <summary>
    /// The queued replay run: same trigger and request as <paramref name="old"/>, with the records of the nodes it reuses
    /// (marked <see cref="NodeRecord.ReusedFrom"/>) and their outputs in its data; the rest pending.
    /// </summary>
    public static RunState Prepare(WorkflowPlan plan, StoredRun old, string fromNode, string runId, string? startedBy)
    {
        var request = new RunRequest
        {
            RunId = runId,
            Trigger = old.Trigger,
            TriggerNodeId = old.TriggerNodeId,
            StartedBy = startedBy ?? old.StartedBy,
            Thread = null,
            ReplayOf = old.Id,
            ReplayFrom = fromNode,
        };
        var run = new RunState(plan, request, runId);
        var replayed = Downstream(plan, plan.IndexById[fromNode]);
        var records = old.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        for (var i = 0; i < plan.Nodes.Length; i++)
        {
            var node = plan.Nodes[i];
            if (replayed[i] || !records.TryGetValue(node.Node.Id, out var saved) || !FinishedOnItsOwn(saved, node.OnError)) continue;
            var record = run.Nodes[i];
            record.Status = saved.Status;
            record.Attempts = saved.Attempts;
            record.StartedAt = saved.StartedAt;
            record.FinishedAt = saved.FinishedAt;
            record.Output = saved.Output;
            record.Error = saved.Error;
            record.Port = saved.Port;
            record.Steps = saved.Steps;
            record.Usage = saved.Usage;
            // The run that executed the node, also when the old run had itself reused it.
            record.ReusedFrom = saved.ReusedFrom ?? old.Id;
            if (saved.Output is { } output && saved.Status != NodeStatus.Skipped)
            {
                run.SetData(node.Slot, output);
                if (node.Kind.ProducesRunResult && saved.Status == NodeStatus.Succeeded) run.Result = output;
            }
        }
        return run;
    }

    /// <summary>The node at <paramref name="start"/> and every node reachable from it.</summary>
    internal static bool[] Downstream(WorkflowPlan plan, int start)
    {
        var seen = new bool[plan.Nodes.Length];
        var work = new Stack<int>();
        work.Push(start);
        seen[start] = true;
        while (work.TryPop(out var index))
        {
            foreach (var edge in plan.Nodes[index].Outgoing)
            {
                if (seen[edge.Target]) continue;
                seen[edge.Target] = true;
                work.Push(edge.Target);
            }
        }
        return seen;
    }

    // Succeeded, skipped by the graph, or failed and handled by onError continue/route (its output is its error). A node
    // stopped by the run's failure or a cancel, or one that failed the run, did not finish on its own: it runs again.
    private static bool FinishedOnItsOwn(NodeRecord saved, string onError) => saved.Status switch
    {
        NodeStatus.Succeeded or NodeStatus.Skipped => true,
        NodeStatus.Failed => onError != OnErrorModes.Fail && saved.Output is { ValueKind: JsonValueKind.Object } output && output.TryGetProperty("nodeId", out _),
        _ => false,
    };
}
