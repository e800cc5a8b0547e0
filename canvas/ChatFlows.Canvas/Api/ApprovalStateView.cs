using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// A waiting approval as the canvas shows it (README §Approvals): the question, the deadline, how many approvals it
/// needs and has (<c>required</c>, <c>approvals</c>, <c>stillNeeded</c>), who voted and which approver entries have not
/// (<c>votes</c>, <c>undecided</c>), when the next reminder and the escalation fall, delegations, the policy's comment
/// rule, and the approval's journal (<c>journal</c>, oldest first). <c>workflowId</c> and <c>workflowName</c> are set in
/// an inbox; <c>runPage</c> links to the run.
/// </summary>
internal sealed record ApprovalStateView(
    string RunId,
    string NodeId,
    string? WorkflowId,
    string? WorkflowName,
    string Prompt,
    string? Draft,
    DateTimeOffset RequestedAt,
    DateTimeOffset? Deadline,
    int Required,
    int Approvals,
    int Rejections,
    int StillNeeded,
    IReadOnlyList<ApprovalVote> Votes,
    IReadOnlyList<string> Approvers,
    IReadOnlyList<string> Undecided,
    int Reminders,
    DateTimeOffset? NextReminderAt,
    DateTimeOffset? EscalatesAt,
    bool Escalated,
    IReadOnlyList<ApprovalDelegation> Delegations,
    string Quorum,
    int RejectQuorum,
    string? RequireComment,
    string OnTimeout,
    string RunPage,
    IReadOnlyList<ApprovalJournalEntry> Journal)
{
    public static ApprovalStateView From(ApprovalState state, string? workflowId = null, string? workflowName = null)
    {
        var policy = state.Policy;
        return new(
            state.RunId, state.NodeId, workflowId, workflowName, state.Request.Prompt, state.Request.Draft, state.Request.RequestedAt, state.Deadline,
            state.Required, state.Approvals, state.Rejections, Math.Max(0, state.Required - state.Approvals), state.Votes, state.Approvers,
            state.Pending,
            state.Reminders, state.NextReminderAt, state.EscalatesAt, state.Escalated, state.Delegations,
            policy.Quorum, policy.RejectQuorum, policy.RequireComment, policy.OnTimeout,
            $"/runs/{Uri.EscapeDataString(state.RunId)}",
            state.Events.Select(e => new ApprovalJournalEntry(e.Key, e.Kind, e.Actor, e.At, e.Data.ValueKind == JsonValueKind.Undefined ? null : e.Data)).ToArray());
    }
}

/// <summary>One entry of an approval's journal: a vote, a reminder, the escalation, a delegation or a reassignment.</summary>
internal sealed record ApprovalJournalEntry(string Key, string Kind, string Actor, DateTimeOffset At, JsonElement? Data);

/// <summary><c>GET /api/approvals</c>: the waiting approvals, oldest first; <c>all</c> is true for an admin's every-approval list.</summary>
internal sealed record ApprovalInboxList(IReadOnlyList<ApprovalStateView> Items, bool All, bool IsAdmin);

/// <summary>The answer to a decision, delegation or reassignment: what became of it, a sentence for the person, and the approval after it.</summary>
internal sealed record ApprovalDecisionView(string Outcome, string Message, string? NodeId, bool Accepted, ApprovalStateView? State)
{
    public static ApprovalDecisionView From(ApprovalDecision decision) => new(
        JsonNamingPolicy.CamelCase.ConvertName(decision.Outcome.ToString()), decision.Message, decision.NodeId, decision.Accepted,
        decision.State is { } state ? ApprovalStateView.From(state) : null);
}
