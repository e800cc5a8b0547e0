using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// The approval flow of every chat platform: a click decides through the engine's one rule (<see cref="Approvals"/>:
/// listed approvers only, before expiry, first decision wins), then the approval card shows who decided and when.
/// A refused click changes nothing and gets the reason, for the platform to show privately. When the approval names
/// people by e-mail (<c>email:ana@corp.example</c>) and the clicker is not listed by their own id, their address is
/// looked up from their platform's directory (<see cref="IChatPeople"/>), so one list works on every platform.
/// </summary>
public sealed partial class ChatApprovals(
    Approvals approvals, IRunStore runs, IWorkflowStore workflows, IChatCardStore cards, ChatChannels channels, IEnumerable<IChatPeople> people,
    TimeProvider time, ILogger<ChatApprovals> logger)
{
    /// <summary>Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>.</summary>
    public Task<ChatDecision> DecideAsync(string decider, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct) =>
        DecideAsync(new Decider(decider), runId, nodeId, approve, comment, draft, ct);

    /// <summary>Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>.</summary>
    public async Task<ChatDecision> DecideAsync(
        Decider decider, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        var node = run?.Nodes.FirstOrDefault(n => n.NodeId == nodeId && (n.Bookmark == ApprovalNode.Bookmark || n.Status.IsFinished()));
        var name = run is null ? runId : (await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct))?.DisplayName ?? run.WorkflowId;
        var before = node is null ? null : ApprovalView.From(runId, name, node);
        if (decider.Email is null && before is { IsOpen: true, Request: { NamesEmails: true } request } && !request.Allows(decider))
        {
            decider = decider with { Email = await EmailOfAsync(decider.Id, runId, ct) };
        }

        var decision = await approvals.DecideAsync(runId, nodeId, decider, approve, NullIfBlank(comment), draft, ct);
        if (!decision.Accepted || before is null) return new ChatDecision(decision, before);

        var decided = before with
        {
            Decision = approve ? "approved" : "rejected",
            DecidedBy = decider.Id,
            DecidedAt = time.GetUtcNow(),
            Comment = NullIfBlank(comment),
            Request = draft is null ? before.Request : before.Request with { Draft = draft },
        };
        // Shown at once; the run's own node.finished brings the same card again from the journal.
        if (await cards.FindAsync(runId, ChatCard.Approval, nodeId, ct) is { IsPosted: true } card && channels.For<IChatPresenter>(card.Message.Target) is { } presenter)
        {
            await presenter.UpdateApprovalAsync(card.Message, decided, ct);
        }
        return new ChatDecision(decision, decided);
    }

    private async Task<string?> EmailOfAsync(string decider, string runId, CancellationToken ct)
    {
        var colon = decider.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || people.FirstOrDefault(p => p.Platform == decider[..colon]) is not { } directory) return null;
        try
        {
            return await directory.EmailOfAsync(decider[(colon + 1)..], ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the address the click is judged by the id alone, and refused with the reason.
            LogLookupFailed(e, decider, runId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The e-mail address of {Decider} could not be looked up for an approval of run {RunId}")]
    private partial void LogLookupFailed(Exception exception, string decider, string runId);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
