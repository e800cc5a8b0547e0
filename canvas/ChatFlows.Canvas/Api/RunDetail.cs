using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The run of README §HTTP API: its request, status and result, <c>data</c> as the run's nodes see it, and every node of
/// the pinned workflow version in document order. <c>usage</c> sums the model tokens and cost of its agent nodes;
/// <c>parentRunId</c> names the run whose sub-workflow node started it; <c>chat</c> lists the chat messages that show
/// the run, with the last error a platform gave for good (e.g. Slack's channel_not_found).
/// </summary>
internal sealed record RunDetail(
    string Id,
    string WorkflowId,
    int WorkflowVersion,
    RunStatus Status,
    string? TriggerNodeId,
    string? StartedBy,
    string? Thread,
    JsonElement Trigger,
    IReadOnlyDictionary<string, JsonElement> Data,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationMs,
    RunError? Error,
    JsonElement? Result,
    bool CancelRequested,
    TokenUsage? Usage,
    string? ParentRunId,
    string? ParentNodeId,
    int Depth,
    IReadOnlyList<NodeView> Nodes,
    IReadOnlyList<ChatCardView> Chat)
{
    /// <summary>For a replay: the run it replays and the node it replays from (README §Replay a run).</summary>
    public ReplayLink? ReplayOf { get; init; }

    /// <summary>
    /// The id of the trace the run's spans are in (README §Traces): the caller's for a webhook that sent a
    /// <c>traceparent</c>, else the one the run started; null when no trace was recorded for it.
    /// </summary>
    public string? TraceId { get; init; }

    /// <summary>The replays of this run, oldest first.</summary>
    public IReadOnlyList<ReplaySummary> Replays { get; init; } = [];

    /// <summary>Each approval the run waits on: votes, who is still needed, reminders, escalation, deadline and its journal (README §Approvals).</summary>
    public IReadOnlyList<ApprovalStateView> Approvals { get; init; } = [];

    /// <summary>Builds the view; without the document (a version no longer stored) it shows the journal's rows only.</summary>
    public static RunDetail From(StoredRun run, WorkflowDocument? document, IReadOnlyList<ChatCard>? cards = null, IReadOnlyList<StoredRun>? replays = null)
    {
        var records = run.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var nodes = document is null
            ? run.Nodes.Select(r => NodeView.From(r.NodeId, null, r)).ToArray()
            : document.Nodes.Select(n => NodeView.From(n.Id, n.TypeName, records.GetValueOrDefault(n.Id), n.Name)).ToArray();

        // As RunState.Restore rebuilds it: finished nodes' outputs under their output keys (a node that failed
        // with onError continue or route left its error there).
        var outputs = document is null
            ? run.Nodes.Select(r => (Key: r.NodeId, Record: (NodeRecord?)r))
            : document.Nodes.Select(n => (Key: n.OutputKey, Record: records.GetValueOrDefault(n.Id)));
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, record) in outputs)
        {
            if (record is { Status: NodeStatus.Succeeded or NodeStatus.Failed, Output: { } output }) data[key] = output;
        }

        return new(
            run.Id, run.WorkflowId, run.WorkflowVersion, run.Status, run.TriggerNodeId, run.StartedBy, run.Thread, run.Trigger, data,
            run.CreatedAt, run.StartedAt, run.FinishedAt, Milliseconds(run.StartedAt, run.FinishedAt), run.Error, run.Result, run.CancelRequested,
            TokenUsage.Sum(run.Nodes.Select(n => n.Usage)), run.ParentRunId, run.ParentNodeId, run.Depth, nodes,
            (cards ?? []).Select(ChatCardView.From).ToArray())
        {
            ReplayOf = run.ReplayOf is { } of ? new ReplayLink(of, run.ReplayFrom ?? "", NameOf(document, run.ReplayFrom)) : null,
            TraceId = TraceIdOf(run.TraceParent),
            Replays = (replays ?? []).Select(r => new ReplaySummary(r.Id, r.ReplayFrom ?? "", NameOf(document, r.ReplayFrom), r.Status, r.CreatedAt)).ToArray(),
        };
    }

    // W3C trace context: version-traceid-parentid-flags.
    private static string? TraceIdOf(string? traceParent) =>
        traceParent?.Split('-') is [_, { Length: 32 } traceId, _, _] ? traceId : null;

    private static string? NameOf(WorkflowDocument? document, string? nodeId) =>
        document?.Nodes.FirstOrDefault(n => n.Id == nodeId)?.DisplayName;

    internal static double? Milliseconds(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? (e - s).TotalMilliseconds : null;
}
