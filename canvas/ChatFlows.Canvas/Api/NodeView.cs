using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// One node of a run as the run detail shows it; a node the run has not reached is <c>pending</c>. <c>kind</c> is the
/// node's type and kind (<c>tool/transform</c>), null when the workflow version is not stored; <c>port</c> is the port
/// it fired (<c>true</c>, <c>error</c>, …), null for the default one; <c>name</c> is the node's name, null when it has
/// none (or the workflow version is not stored); <c>wakeAt</c> is when a timed wait ends;
/// <c>steps</c> are what an agent node did inside (its tool calls) and <c>usage</c> its model tokens and cost.
/// </summary>
internal sealed record NodeView(
    string NodeId,
    string? Kind,
    NodeStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationMs,
    JsonElement? Output,
    string? Error,
    string? Port,
    DateTimeOffset? WakeAt,
    IReadOnlyList<NodeStep>? Steps,
    TokenUsage? Usage)
{
    /// <summary>What people read for the node; the timeline shows it instead of the id.</summary>
    public string? Name { get; init; }

    /// <summary>In a replay, the run whose recorded result this node reuses (README §Replay a run); null when this run executed it.</summary>
    public string? ReusedFrom { get; init; }

    public static NodeView From(string nodeId, string? kind, NodeRecord? record, string? name = null) =>
        Build(nodeId, kind, record) with { Name = name, ReusedFrom = record?.ReusedFrom };

    private static NodeView Build(string nodeId, string? kind, NodeRecord? record) => record is null
        ? new(nodeId, kind, NodeStatus.Pending, 0, null, null, null, null, null, null, null, null, null)
        : new(nodeId, kind, record.Status, record.Attempts, record.StartedAt, record.FinishedAt,
            RunDetail.Milliseconds(record.StartedAt, record.FinishedAt), record.Output, record.Error, record.Port, record.WakeAt, record.Steps, record.Usage);
}
