using System.Text.Json;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Running;

/// <summary>
/// A waiting approval as its request and its journal (<see cref="IApprovalLog"/>) make it: who may still decide, who
/// voted how, how many approvals are needed, and when the next reminder, the escalation and the deadline fall. Every
/// card, page and rule reads this one fold.
/// </summary>
public sealed record ApprovalState
{
    public required string RunId { get; init; }

    public required string NodeId { get; init; }

    public required ApprovalRequest Request { get; init; }

    /// <summary>The request's policy, or the defaults (one approval, no reminders) for a request without one.</summary>
    public ApprovalPolicy Policy => Request.Policy ?? new ApprovalPolicy();

    /// <summary>The approver entries now: the request's, plus the escalation's once escalated, with delegations and reassignment applied.</summary>
    public required IReadOnlyList<string> Approvers { get; init; }

    /// <summary>One vote per person, oldest first.</summary>
    public required IReadOnlyList<ApprovalVote> Votes { get; init; }

    /// <summary>Who handed the request to whom, oldest first.</summary>
    public required IReadOnlyList<ApprovalDelegation> Delegations { get; init; }

    /// <summary>Every entry of the approval's journal, oldest first.</summary>
    public required IReadOnlyList<ApprovalEvent> Events { get; init; }

    /// <summary>Distinct approvals needed (from the quorum: any → 1, all → the approver entries, or the number).</summary>
    public required int Required { get; init; }

    public int Approvals => Votes.Count(v => v.Approved);

    public int Rejections => Votes.Count(v => !v.Approved);

    /// <summary>Reminders sent so far.</summary>
    public required int Reminders { get; init; }

    /// <summary>When the next reminder is due, or null when there is none.</summary>
    public DateTimeOffset? NextReminderAt { get; init; }

    public bool Escalated { get; init; }

    /// <summary>When the escalation is due, or null when there is none or it happened.</summary>
    public DateTimeOffset? EscalatesAt { get; init; }

    /// <summary>The deadline (the request's <c>timeout</c>), or null.</summary>
    public DateTimeOffset? Deadline => Request.ExpiresAt;

    /// <summary><c>approved</c> or <c>rejected</c> once the votes reach a quorum; null while they do not.</summary>
    public string? Outcome => Approvals >= Required ? "approved" : Rejections >= Math.Max(1, Policy.RejectQuorum) ? "rejected" : null;

    /// <summary>The state of the approval of <paramref name="nodeId"/> from its request and journal entries (any order).</summary>
    public static ApprovalState Fold(string runId, string nodeId, ApprovalRequest request, IEnumerable<ApprovalEvent> events)
    {
        var policy = request.Policy ?? new ApprovalPolicy();
        var journal = events.Where(e => e.RunId == runId && e.NodeId == nodeId).OrderBy(e => e.At).ToList();
        var approvers = request.Approvers.ToList();
        var votes = new List<ApprovalVote>();
        var delegations = new List<ApprovalDelegation>();
        var reminders = 0;
        var escalated = false;
        foreach (var entry in journal)
        {
            switch (entry.Kind)
            {
                case ApprovalEventKinds.Vote when !votes.Any(v => v.By == entry.Actor):
                    votes.Add(new ApprovalVote(entry.Actor, Text(entry.Data, "decision") == "approved", entry.At, Text(entry.Data, "comment")));
                    break;
                case ApprovalEventKinds.Reminder:
                    reminders++;
                    break;
                case ApprovalEventKinds.Escalation when policy.Escalate is { } escalate:
                    escalated = true;
                    approvers.AddRange(escalate.To.Where(a => !approvers.Contains(a)));
                    break;
                case ApprovalEventKinds.Delegation when Text(entry.Data, "to") is { } to:
                    var from = Text(entry.Data, "from") ?? entry.Actor;
                    delegations.Add(new ApprovalDelegation(from, to, entry.Actor, entry.At));
                    approvers.Remove(from);
                    if (!approvers.Contains(to)) approvers.Add(to);
                    break;
                case ApprovalEventKinds.Reassignment when entry.Data.TryGetProperty("approvers", out var list) && list.ValueKind == JsonValueKind.Array:
                    approvers = list.EnumerateArray().Select(a => a.GetString() ?? "").Where(a => a.Length > 0).ToList();
                    break;
            }
        }
        var required = policy.Quorum switch
        {
            ApprovalPolicy.QuorumAll => Math.Max(1, approvers.Count(a => a != ApprovalRequest.Anyone)),
            var n when int.TryParse(n, out var count) && count > 0 => count,
            _ => 1,
        };
        return new ApprovalState
        {
            RunId = runId,
            NodeId = nodeId,
            Request = request,
            Approvers = approvers,
            Votes = votes,
            Delegations = delegations,
            Events = journal,
            Required = required,
            Reminders = reminders,
            NextReminderAt = policy.Remind is { } every && every > TimeSpan.Zero ? request.RequestedAt + every * (reminders + 1) : null,
            Escalated = escalated,
            EscalatesAt = !escalated && policy.Escalate is { } e ? request.RequestedAt + e.After : null,
        };
    }

    private static string? Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
}

/// <summary>One person's decision toward the quorum.</summary>
public sealed record ApprovalVote(string By, bool Approved, DateTimeOffset At, string? Comment);

/// <summary><paramref name="From"/> handed the request to <paramref name="To"/>; <paramref name="By"/> is who did it (the approver, or an admin).</summary>
public sealed record ApprovalDelegation(string From, string To, string By, DateTimeOffset At);
