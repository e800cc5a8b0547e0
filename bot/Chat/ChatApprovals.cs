using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// The approval flow of every chat platform: a click decides through the engine's one rule (<see cref="Approvals"/>:
/// listed approvers only, before expiry, first decision wins), then the approval card shows who decided and when.
/// A refused click changes nothing and gets the reason, for the platform to show privately.
/// </summary>
public sealed class ChatApprovals(Approvals approvals, IRunStore runs, IWorkflowStore workflows, IChatCardStore cards, ChatPresenters presenters, TimeProvider time)
{
    /// <summary>Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>.</summary>
    public async Task<ChatDecision> DecideAsync(
        string decider, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        var node = run?.Nodes.FirstOrDefault(n => n.NodeId == nodeId && (n.Bookmark == ApprovalNode.Bookmark || n.Status.IsFinished()));
        var name = run is null ? runId : (await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct))?.DisplayName ?? run.WorkflowId;
        var before = node is null ? null : ApprovalView.From(runId, name, node);

        var decision = await approvals.DecideAsync(runId, nodeId, decider, approve, NullIfBlank(comment), draft, ct);
        if (!decision.Accepted || before is null) return new ChatDecision(decision, before);

        var decided = before with
        {
            Decision = approve ? "approved" : "rejected",
            DecidedBy = decider,
            DecidedAt = time.GetUtcNow(),
            Comment = NullIfBlank(comment),
            Request = draft is null ? before.Request : before.Request with { Draft = draft },
        };
        // Shown at once; the run's own node.finished brings the same card again from the journal.
        if (await cards.FindAsync(runId, ChatCard.Approval, nodeId, ct) is { } card && presenters.For(card.Message.Target) is { } presenter)
        {
            await presenter.UpdateApprovalAsync(card.Message, decided, ct);
        }
        return new ChatDecision(decision, decided);
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
