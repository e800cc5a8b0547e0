using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// The words every approval card uses for the approval's state (README §Approvals), whatever the platform draws them
/// with: the approvals so far and who is still needed ("1 of 2 approvals — waiting for …"), each vote, delegations,
/// the escalation, the next reminder, what the deadline does and when a comment is required. A platform passes how it
/// writes a person (Slack mentions <c>&lt;@U012&gt;</c>) and how it writes free text (Slack escapes it).
/// </summary>
public static class ApprovalText
{
    /// <summary>
    /// The lines describing <paramref name="view"/>'s state beyond its facts; none for a plain approval (one approver's
    /// answer, no reminders, no escalation, nobody voted yet), whose facts say it all.
    /// </summary>
    public static IReadOnlyList<string> StateLines(ApprovalView view, Func<string, string> who, Func<string, string> text)
    {
        var lines = new List<string>();
        var policy = view.Policy;
        var state = view.State;
        if (view.IsOpen)
        {
            if (state is not null && (state.Required > 1 || view.Votes.Count > 0)) lines.Add(Progress(view, state, who));
            if (policy.RejectQuorum > 1 && state is not null)
                lines.Add($"{state.Rejections} of {policy.RejectQuorum} rejections needed to reject");
        }
        // A decision by one vote is the decision line itself; several votes are listed.
        if (view.IsOpen || view.Votes.Count > 1)
        {
            lines.AddRange(view.Votes.Select(v => Vote(v, who, text)));
        }
        lines.AddRange(view.Delegations.Select(d => Delegation(d, who)));
        if (view.IsOpen && state is not null)
        {
            if (policy.Escalate is { } escalate)
            {
                var to = Join(escalate.To, who);
                var notify = escalate.Notify is { } channel ? $" ({text(channel)} is told)" : "";
                if (state.Escalated)
                {
                    var at = state.Events.FirstOrDefault(e => e.Kind == ApprovalEventKinds.Escalation)?.At;
                    lines.Add($"⤴ Escalated to {to}{(at is { } when ? $" at {ChatText.Utc(when)}" : "")}");
                }
                else if (state.EscalatesAt is { } escalates && (view.Request.ExpiresAt is not { } deadline || escalates < deadline))
                {
                    lines.Add($"⤴ Escalates to {to} at {ChatText.Utc(escalates)}{notify}");
                }
            }
            if (state.NextReminderAt is { } reminder && (view.Request.ExpiresAt is not { } end || reminder < end))
                lines.Add($"🔔 Next reminder at {ChatText.Utc(reminder)}{(state.Reminders > 0 ? $" ({Count(state.Reminders, "reminder")} sent)" : "")}");
            if (view.Request.ExpiresAt is { } expires && policy.OnTimeout != ApprovalPolicy.TimeoutExpire)
                lines.Add($"⏰ Deadline {ChatText.Utc(expires)}: then it is {(policy.OnTimeout == ApprovalPolicy.TimeoutApprove ? "approved" : "rejected")} automatically");
            if (CommentRule(view) is { } rule) lines.Add(rule);
        }
        return lines;
    }

    /// <summary>The progress line of an open approval that needs several approvals or has votes, for text fallbacks; else null.</summary>
    public static string? Summary(ApprovalView view, Func<string, string> who) =>
        view is { IsOpen: true, State: { } state } && (state.Required > 1 || view.Votes.Count > 0) ? Progress(view, state, who) : null;

    /// <summary>E.g. "1 of 2 approvals — waiting for slack:U2, slack:U3"; who is still needed, a group shown as the group.</summary>
    public static string Progress(ApprovalView view, ApprovalState state, Func<string, string> who)
    {
        var waiting = StillNeeded(view);
        var waitingFor = waiting.Count == 0 ? "waiting for more approvals" : $"waiting for {Join(waiting, who)}";
        return $"{state.Approvals} of {Count(state.Required, "approval")} — {waitingFor}";
    }

    /// <summary>
    /// The approver entries nobody has answered for yet: the approval's own count (<see cref="ApprovalState.Pending"/>,
    /// a group satisfied by any member), or the approvers who have not voted when the state is not known.
    /// </summary>
    public static IReadOnlyList<string> StillNeeded(ApprovalView view) =>
        view.State?.Pending ?? view.Approvers.Where(a => !view.Votes.Any(v => string.Equals(v.By, a, StringComparison.OrdinalIgnoreCase))).ToArray();

    /// <summary>E.g. "✅ Approved by slack:U2 at 2026-11-24 09:14 UTC — “ship it”".</summary>
    public static string Vote(ApprovalVote vote, Func<string, string> who, Func<string, string> text)
    {
        var mark = vote.Approved ? "✅ Approved" : "❌ Rejected";
        var at = vote.At == DateTimeOffset.MinValue ? "" : $" at {ChatText.Utc(vote.At)}";
        var comment = vote.Comment is { Length: > 0 } c ? $" — “{text(c)}”" : "";
        return $"{mark} by {who(vote.By)}{at}{comment}";
    }

    /// <summary>E.g. "↪ slack:U2 handed this to slack:U3 at …", or an admin's reassignment.</summary>
    public static string Delegation(ApprovalDelegation delegation, Func<string, string> who)
    {
        var at = $" at {ChatText.Utc(delegation.At)}";
        return string.Equals(delegation.By, delegation.From, StringComparison.OrdinalIgnoreCase)
            ? $"↪ {who(delegation.From)} handed this to {who(delegation.To)}{at}"
            : $"↪ {who(delegation.By)} handed {who(delegation.From)}'s part to {who(delegation.To)}{at}";
    }

    /// <summary>"A comment is required to reject." (or to approve or reject); null when comments are optional.</summary>
    public static string? CommentRule(ApprovalView view) =>
        view.CommentRequiredToApprove ? "💬 A comment is required to approve or reject."
        : view.CommentRequiredToReject ? "💬 A comment is required to reject."
        : null;

    /// <summary>The label of the comment field: says when it is required.</summary>
    public static string CommentLabel(ApprovalView view) =>
        view.CommentRequiredToApprove ? "Comment (required)"
        : view.CommentRequiredToReject ? "Comment (required to reject)"
        : "Comment (optional)";

    /// <summary>The approvers as a list: <c>anyone</c> when anyone may decide.</summary>
    public static string Join(IReadOnlyList<string> approvers, Func<string, string> who) =>
        approvers.Contains(ApprovalRequest.Anyone) ? "anyone" : string.Join(", ", approvers.Select(who));

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
