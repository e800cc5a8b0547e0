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

    /// <summary>
    /// Distinct approvals needed (from the quorum: any → 1, all → the approver entries other than <c>anyone</c>, or the
    /// number). With <c>all</c> each entry must be satisfied by a distinct person; a group entry by any one of its members.
    /// </summary>
    public required int Required { get; init; }

    /// <summary>Approvals that count toward <see cref="Required"/>: distinct people (with <c>all</c>, each matched to an entry of its own).</summary>
    public required int Approvals { get; init; }

    /// <summary>Distinct people who rejected.</summary>
    public int Rejections => Votes.Count(v => !v.Approved);

    /// <summary>Approver entries nobody has answered for yet (with <c>all</c>: not yet satisfied by an approval), the people and groups still needed.</summary>
    public required IReadOnlyList<string> Pending { get; init; }

    /// <summary>People who handed the request to someone else; they may no longer decide it.</summary>
    public required IReadOnlyList<string> DelegatedAway { get; init; }

    /// <summary>Reminders sent so far.</summary>
    public required int Reminders { get; init; }

    /// <summary>The slot of the latest reminder sent (k of <c>reminder:k</c>, due at request + k × remind), 0 when none.</summary>
    public int LastReminderSlot { get; init; }

    /// <summary>When the next reminder is due, or null when there is none (no <c>remind</c>, decided, or past the deadline).</summary>
    public DateTimeOffset? NextReminderAt { get; init; }

    public bool Escalated { get; init; }

    /// <summary>When the escalation is due, or null when there is none, it happened, the approval is decided or the deadline comes first.</summary>
    public DateTimeOffset? EscalatesAt { get; init; }

    /// <summary>The deadline (the request's <c>timeout</c>), or null.</summary>
    public DateTimeOffset? Deadline => Request.ExpiresAt;

    /// <summary><c>approved</c> or <c>rejected</c> once the votes reach a quorum; null while they do not.</summary>
    public string? Outcome => Approvals >= Required ? "approved" : Rejections >= Math.Max(1, Policy.RejectQuorum) ? "rejected" : null;

    /// <summary>The reminder slot due at <paramref name="now"/> (request + k × remind ≤ now), 0 when none is due yet.</summary>
    public int DueReminderSlot(DateTimeOffset now) =>
        Policy.Remind is { } every && every > TimeSpan.Zero && now > Request.RequestedAt ? (int)Math.Min(int.MaxValue, (now - Request.RequestedAt).Ticks / every.Ticks) : 0;

    /// <summary>The state of the approval of <paramref name="nodeId"/> from its request and journal entries (any order).</summary>
    public static ApprovalState Fold(string runId, string nodeId, ApprovalRequest request, IEnumerable<ApprovalEvent> events)
    {
        var policy = request.Policy ?? new ApprovalPolicy();
        var journal = events.Where(e => e.RunId == runId && e.NodeId == nodeId).OrderBy(e => e.At).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        var approvers = request.Approvers.ToList();
        var votes = new List<ApprovalVote>();
        var delegations = new List<ApprovalDelegation>();
        var away = new List<string>();
        var reminders = 0;
        var lastSlot = 0;
        var escalated = false;
        foreach (var entry in journal)
        {
            switch (entry.Kind)
            {
                case ApprovalEventKinds.Vote when !votes.Any(v => v.By == entry.Actor):
                    votes.Add(new ApprovalVote(entry.Actor, Text(entry.Data, "decision") == "approved", entry.At, Text(entry.Data, "comment"))
                    {
                        Entries = Strings(entry.Data, "entries") ?? [entry.Actor],
                    });
                    break;
                case ApprovalEventKinds.Reminder:
                    reminders++;
                    if (entry.Key.StartsWith("reminder:", StringComparison.Ordinal) && int.TryParse(entry.Key["reminder:".Length..], out var slot)) lastSlot = Math.Max(lastSlot, slot);
                    break;
                case ApprovalEventKinds.Escalation when policy.Escalate is { } escalate && !escalated:
                    escalated = true;
                    approvers.AddRange(escalate.To.Where(a => !approvers.Contains(a)).Distinct());
                    break;
                case ApprovalEventKinds.Delegation when Text(entry.Data, "to") is { } to:
                    var from = Text(entry.Data, "from") ?? entry.Actor;
                    delegations.Add(new ApprovalDelegation(from, to, entry.Actor, entry.At));
                    if (!away.Contains(from)) away.Add(from);
                    away.Remove(to);
                    approvers.Remove(from);
                    if (!approvers.Contains(to)) approvers.Add(to);
                    break;
                case ApprovalEventKinds.Reassignment when Strings(entry.Data, "approvers") is { Count: > 0 } list:
                    approvers = list.Distinct().ToList();
                    break;
            }
        }
        var named = approvers.Where(a => a != ApprovalRequest.Anyone).ToList();
        var all = policy.Quorum == ApprovalPolicy.QuorumAll;
        var required = all
            ? Math.Max(1, named.Count)
            : int.TryParse(policy.Quorum, out var count) && count > 0 ? count : 1;
        // With all, each entry is satisfied by a distinct person: people listed by name first, then groups, in vote order.
        var satisfied = new HashSet<string>(StringComparer.Ordinal);
        var counted = 0;
        foreach (var vote in votes.Where(v => v.Approved))
        {
            if (!all)
            {
                counted++;
                continue;
            }
            var match = vote.Entries.Where(e => named.Contains(e) && !satisfied.Contains(e)).OrderBy(e => IsGroup(e) ? 1 : 0).FirstOrDefault();
            if (match is null) continue;
            satisfied.Add(match);
            counted++;
        }
        if (all && named.Count == 0) counted = votes.Count(v => v.Approved);
        var answered = all ? satisfied : votes.SelectMany(v => v.Entries).ToHashSet(StringComparer.Ordinal);
        var pending = named.Where(a => !answered.Contains(a)).ToList();
        var state = new ApprovalState
        {
            RunId = runId,
            NodeId = nodeId,
            Request = request,
            Approvers = approvers,
            Votes = votes,
            Delegations = delegations,
            DelegatedAway = away,
            Events = journal,
            Required = required,
            Approvals = counted,
            Pending = pending,
            Reminders = reminders,
            LastReminderSlot = lastSlot,
            Escalated = escalated,
        };
        if (state.Outcome is not null) return state;
        var next = policy.Remind is { } every && every > TimeSpan.Zero ? request.RequestedAt + every * (lastSlot + 1) : (DateTimeOffset?)null;
        var escalatesAt = !escalated && policy.Escalate is { } e ? request.RequestedAt + e.After : (DateTimeOffset?)null;
        return state with
        {
            NextReminderAt = Before(next, request.ExpiresAt),
            EscalatesAt = Before(escalatesAt, request.ExpiresAt),
        };
    }

    /// <summary>True for an entry that names a group of people (<c>slack-group:</c>, <c>teams-channel:</c>, <c>email-list:</c>).</summary>
    public static bool IsGroup(string entry) =>
        entry.StartsWith("slack-group:", StringComparison.Ordinal) || entry.StartsWith("teams-channel:", StringComparison.Ordinal) || entry.StartsWith("email-list:", StringComparison.Ordinal);

    private static DateTimeOffset? Before(DateTimeOffset? at, DateTimeOffset? deadline) => at is { } value && (deadline is not { } end || value < end) ? value : null;

    private static List<string>? Strings(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.Array
            ? found.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).Where(a => a.Length > 0).ToList()
            : null;

    private static string? Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
}

/// <summary>One person's decision toward the quorum.</summary>
public sealed record ApprovalVote(string By, bool Approved, DateTimeOffset At, string? Comment)
{
    /// <summary>The approver entries the person answered for when voting (their own, a group they belong to, <c>anyone</c>).</summary>
    public IReadOnlyList<string> Entries { get; init; } = [];
}

/// <summary><paramref name="From"/> handed the request to <paramref name="To"/>; <paramref name="By"/> is who did it (the approver, or an admin).</summary>
public sealed record ApprovalDelegation(string From, string To, string By, DateTimeOffset At);
