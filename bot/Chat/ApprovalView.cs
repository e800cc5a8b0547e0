using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// An approval as every chat channel shows it: the question with Approve / Reject while it waits, with its whole state
/// (who approved, who is still needed, delegations, escalation, the next reminder and the deadline); then who decided
/// and when (or that it expired, or that the run ended without a decision), with the votes that led there.
/// </summary>
public sealed record ApprovalView
{
    public required string RunId { get; init; }

    /// <summary>The approval node; with <see cref="RunId"/> it names what a button click decides.</summary>
    public required string NodeId { get; init; }

    public required string WorkflowName { get; init; }

    public required ApprovalRequest Request { get; init; }

    /// <summary>The approval's state from its journal while it waits (votes so far, approvers now, times); null when unknown.</summary>
    public ApprovalState? State { get; init; }

    /// <summary>The votes so far (while it waits) or that decided it (once decided), oldest first.</summary>
    public IReadOnlyList<ApprovalVote> Votes { get; init; } = [];

    /// <summary>Who handed the request to whom, oldest first.</summary>
    public IReadOnlyList<ApprovalDelegation> Delegations { get; init; } = [];

    /// <summary><c>approved</c>, <c>rejected</c> or <c>expired</c>; null while it waits.</summary>
    public string? Decision { get; init; }

    /// <summary>Who decided, e.g. <c>playground:ada</c>.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Comment { get; init; }

    /// <summary>Set when the run ended while the approval still waited (e.g. it was cancelled): why nobody can decide.</summary>
    public string? Closed { get; init; }

    /// <summary>True while Approve and Reject can still be clicked.</summary>
    public bool IsOpen => Decision is null && Closed is null;

    /// <summary>The request's policy, or the defaults (one approval, no reminders) for a request without one.</summary>
    public ApprovalPolicy Policy => Request.Policy ?? new ApprovalPolicy();

    /// <summary>The approvers now: escalation, delegations and reassignment applied while it waits, else the request's.</summary>
    public IReadOnlyList<string> Approvers => State?.Approvers ?? Request.Approvers;

    /// <summary>True when a comment must come with an approval (<c>requireComment: always</c>).</summary>
    public bool CommentRequiredToApprove => Policy.RequireComment == ApprovalPolicy.CommentAlways;

    /// <summary>True when a comment must come with a rejection (<c>requireComment: reject</c> or <c>always</c>).</summary>
    public bool CommentRequiredToReject => Policy.RequireComment is ApprovalPolicy.CommentAlways or ApprovalPolicy.CommentOnReject;

    /// <summary>True when a click on Approve (<paramref name="approve"/>) or Reject needs a comment.</summary>
    public bool NeedsComment(bool approve) => approve ? CommentRequiredToApprove : CommentRequiredToReject;

    /// <summary>What a card shows that can change: two views with the same signature render the same card.</summary>
    public string Signature =>
        string.Join('|', Decision, DecidedBy, Closed, Comment, Request.Draft, string.Join(',', Approvers), State?.Reminders, State?.Escalated,
            string.Join(',', Votes.Select(v => $"{v.By}:{v.Approved}")), string.Join(',', Delegations.Select(d => $"{d.From}>{d.To}")));

    /// <summary>
    /// The approval of <paramref name="node"/> as its journal shows it: open while it waits, decided or expired once
    /// it finished; null when the node never asked.
    /// </summary>
    public static ApprovalView? From(string runId, string workflowName, NodeRecord node) => From(runId, workflowName, node, []);

    /// <summary>
    /// The approval of <paramref name="node"/> with the entries of its own journal (<see cref="IApprovalLog"/>): while
    /// it waits, its state folded from them; once decided, the votes the node's output keeps (<c>votes</c>), or else
    /// the journal's. Null when the node never asked.
    /// </summary>
    public static ApprovalView? From(string runId, string workflowName, NodeRecord node, IReadOnlyList<ApprovalEvent> journal)
    {
        // Running with its request: the run was resumed past the approval and the node has not recorded the decision yet.
        if (node.Status is NodeStatus.Waiting or NodeStatus.Running && ApprovalRequest.From(node.Output) is { } asked)
        {
            var state = ApprovalState.Fold(runId, node.NodeId, asked, journal);
            return new ApprovalView
            {
                RunId = runId,
                NodeId = node.NodeId,
                WorkflowName = workflowName,
                Request = asked,
                State = state,
                Votes = state.Votes,
                Delegations = state.Delegations,
            };
        }
        if (!node.Status.IsFinished() || node.Output is not { ValueKind: JsonValueKind.Object } output || Text(output, "decision") is not { } decision) return null;
        // A decided node keeps the question and the draft beside the answer, not the approvers.
        var request = new ApprovalRequest
        {
            Prompt = Text(output, "prompt") ?? "",
            Approvers = [],
            Draft = Text(output, "draft"),
            RequestedAt = node.StartedAt ?? DateTimeOffset.MinValue,
        };
        var folded = ApprovalState.Fold(runId, node.NodeId, request, journal);
        return new ApprovalView
        {
            RunId = runId,
            NodeId = node.NodeId,
            WorkflowName = workflowName,
            Request = request,
            Decision = decision,
            DecidedBy = Text(output, "by"),
            DecidedAt = output.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : node.FinishedAt,
            Comment = Text(output, "comment"),
            Votes = VotesOf(output) ?? folded.Votes,
            Delegations = folded.Delegations,
        };
    }

    // The votes a decided node keeps in its output: [{ by, decision | approved, at, comment }].
    private static List<ApprovalVote>? VotesOf(JsonElement output)
    {
        if (!output.TryGetProperty("votes", out var votes) || votes.ValueKind != JsonValueKind.Array) return null;
        var list = new List<ApprovalVote>();
        foreach (var vote in votes.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object))
        {
            if (Text(vote, "by") is not { } by) continue;
            var approved = vote.TryGetProperty("approved", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? a.GetBoolean()
                : Text(vote, "decision") == "approved";
            var when = vote.TryGetProperty("at", out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out var parsed) ? parsed : DateTimeOffset.MinValue;
            list.Add(new ApprovalVote(by, approved, when, Text(vote, "comment")));
        }
        return list;
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
}
