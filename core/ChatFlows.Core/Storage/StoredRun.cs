using System.Text.Json;
using ChatFlows.Core.Running;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Storage;

/// <summary>A run as stored: what the run history and detail show, and what a worker rebuilds a run from.</summary>
public sealed record StoredRun
{
    public required string Id { get; init; }

    public required string WorkflowId { get; init; }

    /// <summary>The version the run is pinned to.</summary>
    public required int WorkflowVersion { get; init; }

    /// <summary>The workspace of the run's workflow when it started (README §Workspaces and roles).</summary>
    public string Workspace { get; init; } = WorkspaceIds.Default;

    public required RunStatus Status { get; init; }

    /// <summary>The trigger node that fired, if one was named.</summary>
    public string? TriggerNodeId { get; init; }

    /// <summary>The payload, available to the run as <c>trigger</c>.</summary>
    public required JsonElement Trigger { get; init; }

    public string? StartedBy { get; init; }

    public string? Thread { get; init; }

    /// <summary>When the run was queued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public RunError? Error { get; init; }

    /// <summary>The respond or end node's output.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>When a cancel was asked for and not yet carried out.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The node journal, in document order; empty in listings.</summary>
    public IReadOnlyList<NodeRecord> Nodes { get; init; } = [];

    /// <summary>Decisions for waiting nodes not yet taken by the run; empty in listings.</summary>
    public IReadOnlyList<Resumption> Resumes { get; init; } = [];

    /// <summary>The run whose sub-workflow node started this one, if any.</summary>
    public string? ParentRunId { get; init; }

    public string? ParentNodeId { get; init; }

    /// <summary>Sub-workflow nesting depth; 0 for a run started by a trigger.</summary>
    public int Depth { get; init; }

    /// <summary>For a replay: the run it replays (README §Replay a run).</summary>
    public string? ReplayOf { get; init; }

    /// <summary>For a replay: the node it replays from.</summary>
    public string? ReplayFrom { get; init; }

    /// <summary>
    /// How many times the run has been leased (README §Running several instances); journal writes name the epoch
    /// they were made under and are refused once it has moved on.
    /// </summary>
    public long LeaseEpoch { get; init; }

    /// <summary>The W3C <c>traceparent</c> the run's spans continue (README §Telemetry); null when tracing was off.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The request the run was started with.</summary>
    public RunRequest ToRequest() => new()
    {
        RunId = Id,
        Trigger = Trigger,
        TriggerNodeId = TriggerNodeId,
        StartedBy = StartedBy,
        Thread = Thread,
        ParentRunId = ParentRunId,
        ParentNodeId = ParentNodeId,
        Depth = Depth,
        ReplayOf = ReplayOf,
        ReplayFrom = ReplayFrom,
        TraceParent = TraceParent,
    };
}
