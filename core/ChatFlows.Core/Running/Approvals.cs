using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Running;

/// <summary>
/// Takes Approve and Reject clicks from every adapter (Slack, Teams, Playground, the API) and applies one rule
/// (README §Approvals): only an approver may decide (listed, a member of a listed group, escalated to or delegated to,
/// not someone who delegated it away), only while the request has not expired, once per person, with a comment when
/// the policy requires one. Each vote is journaled (<see cref="IApprovalLog"/>); when the votes reach the quorum (or
/// the rejections <c>rejectQuorum</c>) the decision is stored for the run's bookmark and whichever instance claims the
/// run continues it. A vote short of the quorum is counted and published as <see cref="RunEventTypes.ApprovalChanged"/>.
/// </summary>
public sealed partial class Approvals(
    IRunStore store, RunQueue queue, TimeProvider time, IApprovalLog? log = null, RunEventStream? events = null,
    IEnumerable<IApproverGroups>? groups = null, IEnumerable<IApprovalNotifier>? notifiers = null, ApprovalOptions? options = null,
    ILogger<Approvals>? logger = null, IAuditLog? audit = null)
{
    private readonly IApprovalLog _log = log ?? new InMemoryApprovalLog();
    private readonly IApproverGroups[] _groups = groups?.ToArray() ?? [];
    private readonly IApprovalNotifier[] _notifiers = notifiers?.ToArray() ?? [];
    private readonly ApprovalOptions _options = options ?? new ApprovalOptions();
    private readonly ILogger _logger = logger ?? NullLogger<Approvals>.Instance;

    /// <summary>The journal every approval's votes, reminders and escalations are recorded in.</summary>
    public IApprovalLog Log => _log;

    /// <summary>
    /// Decides the approval <paramref name="nodeId"/> of a run (or its only waiting approval when null) as
    /// <paramref name="decider"/> (e.g. <c>slack:U012</c>, with the e-mail address its platform vouches for).
    /// </summary>
    public Task<ApprovalDecision> DecideAsync(
        string runId, string? nodeId, Decider decider, bool approve, string? comment = null, string? draft = null, CancellationToken ct = default) =>
        DecideAsync(runId, nodeId, decider, approve, comment, draft, new AuditOrigin(decider.Id, AuditOrigin.SurfaceOfChat(decider.Id)), ct);

    /// <summary>
    /// Decides as <see cref="DecideAsync(string, string?, Decider, bool, string?, string?, CancellationToken)"/> does; a
    /// vote that counts is recorded in the audit log (<c>approval.decided</c>) as coming from <paramref name="origin"/>.
    /// </summary>
    public async Task<ApprovalDecision> DecideAsync(
        string runId, string? nodeId, Decider decider, bool approve, string? comment, string? draft, AuditOrigin origin, CancellationToken ct = default)
    {
        var decision = await DecideOnceAsync(runId, nodeId, decider, approve, comment, draft, ct);
        if (decision.Accepted && audit is not null)
        {
            var verdict = approve ? "approved" : "rejected";
            var said = string.IsNullOrWhiteSpace(comment) ? "" : $": {(comment.Length > 200 ? comment[..200] + "…" : comment)}";
            // The vote is journaled: its entry is written whatever happens to the caller.
            await audit.AppendAsync(new AuditEntry(
                0, time.GetUtcNow(), Workspaces.WorkspaceIds.Default, origin.Actor, origin.Surface, AuditActions.ApprovalDecided, runId,
                $"{verdict} at '{decision.NodeId}'{said}", origin.Address), CancellationToken.None);
        }
        return decision;
    }

    private async Task<ApprovalDecision> DecideOnceAsync(
        string runId, string? nodeId, Decider decider, bool approve, string? comment, string? draft, CancellationToken ct)
    {
        var found = await FindWaitingAsync(runId, nodeId, ct);
        if (found.Answer is { } answer) return answer;
        var (run, node, request) = (found.Run!, found.Node!, found.Request!);
        var now = time.GetUtcNow();
        if (request.HasExpired(now))
        {
            return new(ApprovalOutcome.Expired, $"This approval expired at {Format(request.ExpiresAt!.Value)}; nothing changed.", node.NodeId);
        }

        var state = await FoldAsync(run.Id, node.NodeId, request, ct);
        var members = new GroupMembers(_groups);
        var entries = await EntriesOfAsync(state, decider, members, ct);
        if (entries.Count == 0)
        {
            var who = state.DelegatedAway.Contains(decider.Id) ? $" You handed it to {Delegate(state, decider.Id)}." : "";
            return new(ApprovalOutcome.NotAllowed, $"Only {string.Join(", ", state.Approvers)} may decide this; nothing changed.{who}", node.NodeId) { State = state };
        }
        if (state.Votes.FirstOrDefault(v => v.By == decider.Id) is { } earlier)
        {
            return await AlreadyVotedAsync(run, node.NodeId, state, earlier, ct);
        }
        var policy = state.Policy;
        var needsComment = policy.RequireComment == ApprovalPolicy.CommentAlways || (policy.RequireComment == ApprovalPolicy.CommentOnReject && !approve);
        if (needsComment && string.IsNullOrWhiteSpace(comment))
        {
            var when = policy.RequireComment == ApprovalPolicy.CommentAlways ? "every decision" : "a rejection";
            return new(ApprovalOutcome.CommentRequired, $"This approval needs a comment with {when}; write why in the comment and {(approve ? "approve" : "reject")} again. Nothing changed.", node.NodeId) { State = state };
        }

        var vote = new ApprovalEvent(run.Id, node.NodeId, VoteKey(decider.Id), ApprovalEventKinds.Vote, decider.Id, now,
            JsonSerializer.SerializeToElement(new { decision = approve ? "approved" : "rejected", comment = string.IsNullOrWhiteSpace(comment) ? null : comment, draft, entries }));
        if (!await _log.AppendAsync(vote, ct))
        {
            // The same person clicked twice at once (two instances, or a double click): the first one counts.
            var again = await FoldAsync(run.Id, node.NodeId, request, ct);
            return await AlreadyVotedAsync(run, node.NodeId, again, again.Votes.First(v => v.By == decider.Id), ct);
        }
        state = await FoldAsync(run.Id, node.NodeId, request, ct);
        if (state.Outcome is null)
        {
            PublishChanged(run, node.NodeId, now);
            var tally = approve ? $"Approved by {decider} ({state.Approvals} of {state.Required})" : $"Rejected by {decider} ({state.Rejections} of {Math.Max(1, policy.RejectQuorum)} rejections needed to reject)";
            var still = state.Pending.Count > 0 ? $"; still waiting for {string.Join(", ", state.Pending)}" : "; still waiting for more approvers";
            return new(ApprovalOutcome.Counted, $"{tally}{still}.", node.NodeId) { State = state };
        }
        return await ResumeAsync(run.Id, node.NodeId, state, decider, approve, now, comment, draft, ct);
    }

    /// <summary>
    /// Hands approval <paramref name="nodeId"/> from <paramref name="by"/> (an approver) to <paramref name="to"/> (an
    /// approver entry); journaled, shown on every card, and <paramref name="to"/> is told. An admin may hand it on for
    /// the approvers too.
    /// </summary>
    public async Task<ApprovalDecision> DelegateAsync(string runId, string nodeId, Decider by, string to, CancellationToken ct = default)
    {
        to = (to ?? "").Trim();
        if (ApprovalNode.CheckApprover(to) is { } problem) return new(ApprovalOutcome.Invalid, $"to: {problem}", nodeId);
        if (to == ApprovalRequest.Anyone) return new(ApprovalOutcome.Invalid, "to: hand the approval to a person or a group, not anyone.", nodeId);
        var found = await FindWaitingAsync(runId, nodeId, ct);
        if (found.Answer is { } answer) return answer;
        var (run, node, request) = (found.Run!, found.Node!, found.Request!);
        var now = time.GetUtcNow();
        if (request.HasExpired(now)) return new(ApprovalOutcome.Expired, $"This approval expired at {Format(request.ExpiresAt!.Value)}; nothing changed.", node.NodeId);
        var state = await FoldAsync(run.Id, node.NodeId, request, ct);
        var members = new GroupMembers(_groups);
        var mayDecide = (await EntriesOfAsync(state, by, members, ct)).Count > 0;
        if (!mayDecide && !IsAdmin(by))
        {
            return new(ApprovalOutcome.NotAllowed, $"Only {string.Join(", ", state.Approvers)} (or an admin) may hand this approval on; nothing changed.", node.NodeId) { State = state };
        }
        if (Same(to, by))
        {
            return new(ApprovalOutcome.Invalid, "to: you cannot hand the approval to yourself; name someone else.", node.NodeId) { State = state };
        }
        if (state.Votes.Any(v => v.By == by.Id))
        {
            return new(ApprovalOutcome.AlreadyDecided, "You have already voted on this approval; it cannot be handed on now. Nothing changed.", node.NodeId) { State = state };
        }
        var entry = new ApprovalEvent(run.Id, node.NodeId, $"delegation:{state.Delegations.Count + 1}", ApprovalEventKinds.Delegation, by.Id, now,
            JsonSerializer.SerializeToElement(new { from = mayDecide ? by.Id : null, to }));
        if (!mayDecide)
        {
            // An admin who is no approver hands on for the approvers as listed: nobody is excluded, the delegate joins.
            entry = entry with { Data = JsonSerializer.SerializeToElement(new { from = by.Id, to, admin = true }) };
        }
        if (!await _log.AppendAsync(entry, ct))
        {
            return new(ApprovalOutcome.AlreadyDecided, "Somebody handed this approval on at the same moment; look at the card and try again.", node.NodeId) { State = state };
        }
        state = await FoldAsync(run.Id, node.NodeId, request, ct);
        PublishChanged(run, node.NodeId, now);
        await NotifyAsync(new ApprovalNotice(entry, state, [to]), ct);
        return new(ApprovalOutcome.Counted, $"Handed to {to} by {by} at {Format(now)}.", node.NodeId) { State = state };
    }

    /// <summary>Replaces the approvers of a waiting approval; only identities in <c>ChatFlows:Approvals:Admins</c> may.</summary>
    public async Task<ApprovalDecision> ReassignAsync(string runId, string nodeId, Decider admin, IReadOnlyList<string> approvers, CancellationToken ct = default)
    {
        if (!IsAdmin(admin))
        {
            return new(ApprovalOutcome.NotAllowed, $"Only an admin (ChatFlows:Approvals:Admins) may reassign an approval; {admin} is not one. Nothing changed.", nodeId);
        }
        var list = (approvers ?? []).Select(a => (a ?? "").Trim()).ToList();
        if (list.Count == 0) return new(ApprovalOutcome.Invalid, "approvers: name at least one approver.", nodeId);
        for (var i = 0; i < list.Count; i++)
        {
            if (ApprovalNode.CheckApprover(list[i]) is { } problem) return new(ApprovalOutcome.Invalid, $"approvers/{i}: {problem}", nodeId);
        }
        var found = await FindWaitingAsync(runId, nodeId, ct);
        if (found.Answer is { } answer) return answer;
        var (run, node, request) = (found.Run!, found.Node!, found.Request!);
        var now = time.GetUtcNow();
        if (request.HasExpired(now)) return new(ApprovalOutcome.Expired, $"This approval expired at {Format(request.ExpiresAt!.Value)}; nothing changed.", node.NodeId);
        var before = await FoldAsync(run.Id, node.NodeId, request, ct);
        var entry = new ApprovalEvent(run.Id, node.NodeId, $"reassignment:{before.Events.Count(e => e.Kind == ApprovalEventKinds.Reassignment) + 1}",
            ApprovalEventKinds.Reassignment, admin.Id, now, JsonSerializer.SerializeToElement(new { approvers = list.Distinct().ToList() }));
        if (!await _log.AppendAsync(entry, ct))
        {
            return new(ApprovalOutcome.AlreadyDecided, "Somebody reassigned this approval at the same moment; look at the card and try again.", node.NodeId) { State = before };
        }
        var state = await FoldAsync(run.Id, node.NodeId, request, ct);
        PublishChanged(run, node.NodeId, now);
        await NotifyAsync(new ApprovalNotice(entry, state, await RecipientsAsync(state, ct)), ct);
        return new(ApprovalOutcome.Counted, $"Reassigned to {string.Join(", ", state.Approvers)} by {admin} at {Format(now)}.", node.NodeId) { State = state };
    }

    /// <summary>The state of waiting approval <paramref name="nodeId"/> of a run; null when it does not wait.</summary>
    public async Task<ApprovalState?> StateAsync(string runId, string nodeId, CancellationToken ct = default)
    {
        var run = await store.GetAsync(runId, ct);
        if (run?.Nodes.FirstOrDefault(n => n.NodeId == nodeId && n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark) is not { } node) return null;
        return ApprovalRequest.From(node.Output) is { } request ? await FoldAsync(run.Id, node.NodeId, request, ct) : null;
    }

    /// <summary>
    /// Every approval waiting across all runs and not yet decided (its votes short of a quorum, no decision pending for
    /// the run), with its run; for the inbox and the clock.
    /// </summary>
    public async Task<IReadOnlyList<(StoredRun Run, ApprovalState State)>> WaitingAsync(CancellationToken ct = default)
    {
        const int Page = 200;
        var found = new List<(StoredRun, ApprovalState)>();
        string? before = null;
        do
        {
            var page = await store.ListAsync(new RunQuery(Status: RunStatus.Waiting, Before: before, Limit: Page), ct);
            foreach (var listed in page.Items)
            {
                if (await store.GetAsync(listed.Id, ct) is not { } run) continue;
                foreach (var node in run.Nodes.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark))
                {
                    // A decision the run has not taken yet: nobody is waited for any more.
                    if (run.Resumes.Any(r => r.Bookmark == ApprovalNode.Bookmark && (r.NodeId is null || r.NodeId == node.NodeId))) continue;
                    if (ApprovalRequest.From(node.Output) is not { } request) continue;
                    var state = await FoldAsync(run.Id, node.NodeId, request, ct);
                    if (state.Outcome is null) found.Add((run, state));
                }
            }
            before = page.Next;
        }
        while (before is not null);
        return found;
    }

    /// <summary>The state of an approval from its request (the waiting node's output) and its journal.</summary>
    public async Task<ApprovalState> FoldAsync(string runId, string nodeId, ApprovalRequest request, CancellationToken ct = default) =>
        ApprovalState.Fold(runId, nodeId, request, await _log.ListAsync(runId, nodeId, ct));

    /// <summary>
    /// True when <paramref name="state"/> waits for <paramref name="person"/>: they are named (by id, group, escalation
    /// or delegation, not only through <c>anyone</c>, which waits for nobody in particular) and have not voted.
    /// </summary>
    public async Task<bool> AwaitsAsync(ApprovalState state, Decider person, GroupMembers members, CancellationToken ct = default) =>
        !state.Votes.Any(v => v.By == person.Id) && (await EntriesOfAsync(state, person, members, ct)).Any(e => e != ApprovalRequest.Anyone);

    /// <summary>
    /// The people still needed, as approver entries with groups expanded through <see cref="IApproverGroups"/> (a group
    /// that cannot be read is left out and logged), without those who voted or handed the request on.
    /// </summary>
    public async Task<IReadOnlyList<string>> RecipientsAsync(ApprovalState state, CancellationToken ct = default)
    {
        var members = new GroupMembers(_groups);
        var people = new List<string>();
        foreach (var entry in state.Pending)
        {
            if (!ApprovalState.IsGroup(entry))
            {
                people.Add(entry);
                continue;
            }
            try
            {
                people.AddRange(await members.OfAsync(entry, ct) ?? []);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogGroupUnreadable(ex, entry);
            }
        }
        return people.Where(p => !state.DelegatedAway.Contains(p) && !state.Votes.Any(v => Same(p, new Decider(v.By)))).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Tells every <see cref="IApprovalNotifier"/>; a failing one is logged and the others are still told.</summary>
    public async Task NotifyAsync(ApprovalNotice notice, CancellationToken ct = default)
    {
        foreach (var notifier in _notifiers)
        {
            try
            {
                await notifier.NotifyAsync(notice, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogNotifyFailed(ex, notice.Event.Kind, notice.Event.RunId, notice.Event.NodeId);
            }
        }
    }

    /// <summary>Publishes <see cref="RunEventTypes.ApprovalChanged"/> for the approval, so cards and pages refresh.</summary>
    public void PublishChanged(StoredRun run, string nodeId, DateTimeOffset at) =>
        events?.Publish(new RunEvent
        {
            Type = RunEventTypes.ApprovalChanged,
            RunId = run.Id,
            WorkflowId = run.WorkflowId,
            NodeId = nodeId,
            At = at,
            Status = "waiting",
            Bookmark = ApprovalNode.Bookmark,
        });

    /// <summary>True when <paramref name="person"/> is one of <c>ChatFlows:Approvals:Admins</c>.</summary>
    public bool IsAdmin(Decider person) => new ApprovalRequest { Prompt = "", Approvers = _options.Admins.Where(a => a != ApprovalRequest.Anyone).ToList(), RequestedAt = default }.Allows(person);

    /// <summary>The approver entries <paramref name="decider"/> may answer for now (none when they may not decide).</summary>
    private async Task<IReadOnlyList<string>> EntriesOfAsync(ApprovalState state, Decider decider, GroupMembers members, CancellationToken ct)
    {
        if (state.DelegatedAway.Contains(decider.Id)) return [];
        var entries = new List<string>();
        foreach (var entry in state.Approvers)
        {
            if (ApprovalState.IsGroup(entry))
            {
                IReadOnlyList<string>? people = null;
                try
                {
                    people = await members.OfAsync(entry, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogGroupUnreadable(ex, entry);
                }
                if (people is not null && people.Any(p => Same(p, decider))) entries.Add(entry);
            }
            else if (Same(entry, decider))
            {
                entries.Add(entry);
            }
        }
        return entries;
    }

    private static bool Same(string entry, Decider person) =>
        new ApprovalRequest { Prompt = "", Approvers = [entry], RequestedAt = default }.Allows(person);

    private async Task<ApprovalDecision> ResumeAsync(
        string runId, string nodeId, ApprovalState state, Decider decider, bool approve, DateTimeOffset now, string? comment, string? draft, CancellationToken ct)
    {
        var approved = state.Outcome == "approved";
        var value = Decision(approved, decider.Id, now, comment, draft, state);
        var outcome = await queue.ResumeAsync(runId, new Resumption(ApprovalNode.Bookmark, value, nodeId), ct);
        var what = approve ? "Approved" : "Rejected";
        var tally = state.Request.Policy is null || (state.Required == 1 && approved) || (!approved && Math.Max(1, state.Policy.RejectQuorum) == 1) ? ""
            : approved ? $" ({state.Approvals} of {state.Required})" : $" ({state.Rejections} rejections)";
        return outcome switch
        {
            ResumeOutcome.Accepted => new(ApprovalOutcome.Accepted, $"{what} by {decider} at {Format(now)}{tally}.", nodeId) { State = state },
            // Another instance counted the last vote at the same moment and resumed first: this vote is journaled all the same.
            ResumeOutcome.AlreadyDecided => (await DecidedMeanwhileAsync(runId, nodeId, ct)) is var first && first.Outcome == ApprovalOutcome.AlreadyDecided
                ? new(ApprovalOutcome.Counted, $"Your vote was counted; {first.Message[0..1].ToLowerInvariant()}{first.Message[1..]}", nodeId) { State = state }
                : first with { State = state },
            ResumeOutcome.RunNotFound => new(ApprovalOutcome.RunNotFound, $"There is no run {runId}."),
            _ => new(ApprovalOutcome.NotWaiting, $"Run {runId} no longer waits at '{nodeId}'; nothing changed.", nodeId),
        };
    }

    // A repeated click records nothing; if the votes had reached the quorum but the run was not resumed (a crash in
    // between), it is resumed now.
    private async Task<ApprovalDecision> AlreadyVotedAsync(StoredRun run, string nodeId, ApprovalState state, ApprovalVote earlier, CancellationToken ct)
    {
        if (state.Outcome is { } outcome)
        {
            var last = state.Votes.Last(v => v.Approved == (outcome == "approved"));
            var value = Decision(outcome == "approved", last.By, last.At, last.Comment, null, state);
            await queue.ResumeAsync(run.Id, new Resumption(ApprovalNode.Bookmark, value, nodeId), ct);
        }
        return new(ApprovalOutcome.AlreadyDecided, $"You already {(earlier.Approved ? "approved" : "rejected")} at {Format(earlier.At)}; nothing changed.", nodeId) { State = state };
    }

    /// <summary>The value the node is resumed with: the deciding vote and every vote so far.</summary>
    private static JsonElement Decision(bool approved, string by, DateTimeOffset at, string? comment, string? draft, ApprovalState state) =>
        JsonSerializer.SerializeToElement(new
        {
            decision = approved ? "approved" : "rejected",
            by,
            at,
            comment,
            draft,
            votes = state.Votes.Select(v => new { by = v.By, decision = v.Approved ? "approved" : "rejected", at = v.At, comment = v.Comment }),
        });

    private sealed record Waiting(StoredRun? Run, NodeRecord? Node, ApprovalRequest? Request, ApprovalDecision? Answer);

    private async Task<Waiting> FindWaitingAsync(string runId, string? nodeId, CancellationToken ct)
    {
        var run = await store.GetAsync(runId, ct);
        if (run is null) return new(null, null, null, new(ApprovalOutcome.RunNotFound, $"There is no run {runId}."));

        var approvals = run.Nodes.Where(n => nodeId is null ? n.Bookmark == ApprovalNode.Bookmark || IsDecided(n) : n.NodeId == nodeId).ToArray();
        var waiting = approvals.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark).ToArray();
        if (nodeId is null && waiting.Length > 1)
        {
            return new(run, null, null, new(ApprovalOutcome.NotWaiting, $"Several approvals wait in run {runId} ({string.Join(", ", waiting.Select(n => n.NodeId))}); say which node you decide."));
        }
        var node = waiting.FirstOrDefault() ?? approvals.FirstOrDefault();
        if (node is null || (node.Status != NodeStatus.Waiting && !IsDecided(node)))
        {
            if (await BeingCarriedOutAsync(run, nodeId, ct) is { } decided) return new(run, null, null, decided);
            return new(run, null, null, new(ApprovalOutcome.NotWaiting, run.Status.IsTerminal()
                ? $"Run {runId} has already {run.Status.ToText()}; there is nothing to decide."
                : $"Run {runId} has no approval waiting{(nodeId is null ? "" : $" at '{nodeId}'")}.", node?.NodeId));
        }
        if (IsDecided(node)) return new(run, node, null, AlreadyDecided(node.NodeId, node.Output!.Value));
        if (run.Resumes.FirstOrDefault(r => r.Bookmark == ApprovalNode.Bookmark && (r.NodeId is null || r.NodeId == node.NodeId)) is { Value: { } pending })
        {
            return new(run, node, null, AlreadyDecided(node.NodeId, pending));
        }
        var request = ApprovalRequest.From(node.Output) ?? throw new InvalidOperationException($"Node '{node.NodeId}' of run {runId} waits without an approval request.");
        return new(run, node, request, null);
    }

    // The run was resumed past the approval and the node has not recorded its outcome yet (it runs again with the
    // decision): a late click is answered with that decision, from the stored resumption while it is there and from
    // the deciding vote once the worker has taken it.
    private async Task<ApprovalDecision?> BeingCarriedOutAsync(StoredRun run, string? nodeId, CancellationToken ct)
    {
        if (run.Status.IsTerminal()) return null;
        var resuming = run.Nodes.Where(n => n.Status == NodeStatus.Running && (nodeId is null || n.NodeId == nodeId)).Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        if (resuming.Count == 0) return null;
        if (run.Resumes.FirstOrDefault(r => r.Bookmark == ApprovalNode.Bookmark && (r.NodeId is null || resuming.Contains(r.NodeId))) is { Value: { } pending } resume)
        {
            return AlreadyDecided(resume.NodeId ?? nodeId ?? resuming.First(), pending);
        }
        var votes = (await _log.ListAsync(run.Id, ct)).Where(e => e.Kind == ApprovalEventKinds.Vote && resuming.Contains(e.NodeId)).ToArray();
        if (votes.Length == 0) return null;
        var last = votes[^1];
        var verdict = last.Data.TryGetProperty("decision", out var d) ? d.GetString() : null;
        return AlreadyDecided(last.NodeId, JsonSerializer.SerializeToElement(new { decision = verdict ?? "decided", by = last.Actor, at = last.At }));
    }

    private static string VoteKey(string person) => $"vote:{person}";

    private static string Delegate(ApprovalState state, string from) => state.Delegations.LastOrDefault(d => d.From == from)?.To ?? "someone else";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telling people about the approval's {Kind} of run {RunId} at {NodeId} failed")]
    private partial void LogNotifyFailed(Exception error, string kind, string runId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The members of approver group {Group} could not be read; its people are not told")]
    private partial void LogGroupUnreadable(Exception error, string group);

    private async Task<ApprovalDecision> DecidedMeanwhileAsync(string runId, string nodeId, CancellationToken ct)
    {
        var run = await store.GetAsync(runId, ct);
        var pending = run?.Resumes.FirstOrDefault(r => r.Bookmark == ApprovalNode.Bookmark)?.Value ?? run?.Nodes.FirstOrDefault(n => n.NodeId == nodeId)?.Output;
        return pending is { } value ? AlreadyDecided(nodeId, value) : new(ApprovalOutcome.AlreadyDecided, "Somebody decided first; nothing changed.", nodeId);
    }

    private static bool IsDecided(NodeRecord node) =>
        node.Status.IsFinished() && node.Output is { ValueKind: JsonValueKind.Object } output && output.TryGetProperty("decision", out _);

    private static ApprovalDecision AlreadyDecided(string nodeId, JsonElement decision)
    {
        var what = decision.TryGetProperty("decision", out var d) ? d.GetString() : "decided";
        var by = decision.TryGetProperty("by", out var b) && b.ValueKind == JsonValueKind.String ? $" by {b.GetString()}" : "";
        var at = decision.TryGetProperty("at", out var a) && a.ValueKind == JsonValueKind.String ? $" at {Format(a.GetDateTimeOffset())}" : "";
        if (what == "expired") return new(ApprovalOutcome.Expired, $"This approval expired{at}; nothing changed.", nodeId);
        return new(ApprovalOutcome.AlreadyDecided, $"Already {what}{by}{at}; nothing changed.", nodeId);
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>The members of approver groups, each read once per decision or listing (<see cref="IApproverGroups"/>).</summary>
public sealed class GroupMembers(IReadOnlyList<IApproverGroups> sources)
{
    private readonly Dictionary<string, IReadOnlyList<string>?> _read = new(StringComparer.Ordinal);

    /// <summary>The members of <paramref name="group"/>, or null when no source reads it.</summary>
    public async Task<IReadOnlyList<string>?> OfAsync(string group, CancellationToken ct = default)
    {
        if (_read.TryGetValue(group, out var known)) return known;
        var source = sources.FirstOrDefault(s => s.Owns(group));
        var members = source is null ? null : await source.MembersAsync(group, ct);
        _read[group] = members;
        return members;
    }
}
