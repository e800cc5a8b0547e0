using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Builds the <see cref="ApprovalView"/> every card of an approval shows (the thread's card and its copies, on every
/// platform) from the run as stored and the approval's own journal, so that all of them show one state.
/// </summary>
public sealed class ApprovalViews(IRunStore runs, IWorkflowStore workflows, IApprovalLog? log = null)
{
    /// <summary>The approval <paramref name="nodeId"/> of run <paramref name="runId"/> as it stands; null when there is none.</summary>
    public async Task<ApprovalView?> ForAsync(string runId, string nodeId, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        return run is null ? null : await ForAsync(run, await WorkflowNameAsync(run, ct), nodeId, ct);
    }

    /// <summary>The approval <paramref name="nodeId"/> of <paramref name="run"/>; closed when the run ended while it waited.</summary>
    public async Task<ApprovalView?> ForAsync(StoredRun run, string workflowName, string nodeId, CancellationToken ct)
    {
        if (run.Nodes.FirstOrDefault(n => n.NodeId == nodeId) is not { } node) return null;
        var journal = log is null ? [] : await log.ListAsync(run.Id, nodeId, ct);
        var view = ApprovalView.From(run.Id, workflowName, node, journal);
        // A decision taken but not yet run on (the run resumes it in a moment, maybe on another instance) already shows.
        if (view is { IsOpen: true } && Pending(run, nodeId) is { } decided)
        {
            view = view with
            {
                Decision = Text(decided, "decision") ?? "approved",
                DecidedBy = Text(decided, "by"),
                DecidedAt = decided.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var when) ? when : null,
                Comment = Text(decided, "comment"),
                Request = Text(decided, "draft") is { } draft ? view.Request with { Draft = draft } : view.Request,
            };
        }
        else if (view is { IsOpen: true, State.Outcome: { } outcome } && node.Status == NodeStatus.Running)
        {
            // Resumed and the decision taken from the store, not yet recorded by the node: the deciding vote says it.
            var deciding = view.Votes.Last(v => v.Approved == (outcome == "approved"));
            view = view with { Decision = outcome, DecidedBy = deciding.By, DecidedAt = deciding.At, Comment = deciding.Comment };
        }
        if (view is { IsOpen: true } && run.Status.IsTerminal()) view = view with { Closed = $"The run {run.Status.ToText()} before anyone decided." };
        return view;
    }

    private static JsonElement? Pending(StoredRun run, string nodeId) =>
        run.Resumes.FirstOrDefault(r => r.Bookmark == ApprovalNode.Bookmark && (r.NodeId is null || r.NodeId == nodeId))?.Value is { ValueKind: JsonValueKind.Object } value
            && value.TryGetProperty("decision", out _) ? value : null;

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    /// <summary>The name the run's cards show for its workflow.</summary>
    public async Task<string> WorkflowNameAsync(StoredRun run, CancellationToken ct) =>
        (await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct))?.DisplayName ?? run.WorkflowId;
}
