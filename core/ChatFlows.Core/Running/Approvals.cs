using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// Takes Approve and Reject clicks from every adapter (Slack, Teams, Playground, the API) and applies one rule:
/// only a listed approver may decide, only while the request has not expired, and only once. An accepted decision
/// is stored for the run's bookmark; whichever instance claims the run continues it.
/// </summary>
public sealed class Approvals(IRunStore store, RunQueue queue, TimeProvider time)
{
    /// <summary>
    /// Decides the approval <paramref name="nodeId"/> of a run (or its only waiting approval when null) as
    /// <paramref name="decider"/> (e.g. <c>slack:U012</c>, with the e-mail address its platform vouches for).
    /// </summary>
    public async Task<ApprovalDecision> DecideAsync(
        string runId, string? nodeId, Decider decider, bool approve, string? comment = null, string? draft = null, CancellationToken ct = default)
    {
        var run = await store.GetAsync(runId, ct);
        if (run is null) return new(ApprovalOutcome.RunNotFound, $"There is no run {runId}.");

        var approvals = run.Nodes.Where(n => nodeId is null ? n.Bookmark == ApprovalNode.Bookmark || IsDecided(n) : n.NodeId == nodeId).ToArray();
        var waiting = approvals.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark).ToArray();
        if (nodeId is null && waiting.Length > 1)
        {
            return new(ApprovalOutcome.NotWaiting, $"Several approvals wait in run {runId} ({string.Join(", ", waiting.Select(n => n.NodeId))}); say which node you decide.");
        }
        var node = waiting.FirstOrDefault() ?? approvals.FirstOrDefault();
        if (node is null || (node.Status != NodeStatus.Waiting && !IsDecided(node)))
        {
            return new(ApprovalOutcome.NotWaiting, run.Status.IsTerminal()
                ? $"Run {runId} has already {run.Status.ToText()}; there is nothing to decide."
                : $"Run {runId} has no approval waiting{(nodeId is null ? "" : $" at '{nodeId}'")}.", node?.NodeId);
        }
        if (IsDecided(node)) return AlreadyDecided(node.NodeId, node.Output!.Value);
        if (run.Resumes.FirstOrDefault(r => r.Bookmark == ApprovalNode.Bookmark && (r.NodeId is null || r.NodeId == node.NodeId)) is { Value: { } pending })
        {
            return AlreadyDecided(node.NodeId, pending);
        }

        var request = ApprovalRequest.From(node.Output) ?? throw new InvalidOperationException($"Node '{node.NodeId}' of run {runId} waits without an approval request.");
        var now = time.GetUtcNow();
        if (request.HasExpired(now))
        {
            return new(ApprovalOutcome.Expired, $"This approval expired at {Format(request.ExpiresAt!.Value)}; nothing changed.", node.NodeId);
        }
        if (!request.Allows(decider))
        {
            return new(ApprovalOutcome.NotAllowed, $"Only {string.Join(", ", request.Approvers)} may decide this; nothing changed.", node.NodeId);
        }

        var decision = ApprovalRequest.Decision(approve, decider.Id, now, comment, draft);
        var outcome = await queue.ResumeAsync(runId, new Resumption(ApprovalNode.Bookmark, decision, node.NodeId), ct);
        return outcome switch
        {
            ResumeOutcome.Accepted => new(ApprovalOutcome.Accepted, $"{(approve ? "Approved" : "Rejected")} by {decider} at {Format(now)}.", node.NodeId),
            ResumeOutcome.AlreadyDecided => await DecidedMeanwhileAsync(runId, node.NodeId, ct),
            ResumeOutcome.RunNotFound => new(ApprovalOutcome.RunNotFound, $"There is no run {runId}."),
            _ => new(ApprovalOutcome.NotWaiting, $"Run {runId} no longer waits at '{node.NodeId}'; nothing changed.", node.NodeId),
        };
    }

    /// <summary>
    /// Hands approval <paramref name="nodeId"/> from <paramref name="by"/> (an approver) to <paramref name="to"/> (an
    /// approver entry); journaled, shown on every card, and <paramref name="to"/> is told.
    /// </summary>
    public Task<ApprovalDecision> DelegateAsync(string runId, string nodeId, Decider by, string to, CancellationToken ct = default) =>
        throw new NotImplementedException();

    /// <summary>Replaces the approvers of a waiting approval; only identities in <c>ChatFlows:Approvals:Admins</c> may.</summary>
    public Task<ApprovalDecision> ReassignAsync(string runId, string nodeId, Decider admin, IReadOnlyList<string> approvers, CancellationToken ct = default) =>
        throw new NotImplementedException();

    /// <summary>The state of waiting approval <paramref name="nodeId"/> of a run; null when it does not wait.</summary>
    public Task<ApprovalState?> StateAsync(string runId, string nodeId, CancellationToken ct = default) =>
        throw new NotImplementedException();

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
