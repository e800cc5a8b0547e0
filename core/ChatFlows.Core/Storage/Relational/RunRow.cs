using ChatFlows.Core.Running;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Storage.Relational;

/// <summary>A row of <c>runs</c>, as both providers store it (times in Unix ms, JSON as text, flags as 0/1).</summary>
internal sealed class RunRow
{
    /// <summary>The columns read back, in <see cref="RunRow"/>'s shape.</summary>
    public const string Columns =
        "id, workflow_id, workflow_version, workspace, status, trigger_node_id, trigger, started_by, thread, created_at, started_at, finished_at, error_node_id, error, result, cancel_requested, parent_run_id, parent_node_id, depth, replay_of, replay_from, lease_epoch, trace_parent";

    public string Id { get; init; } = "";

    public string WorkflowId { get; init; } = "";

    public int WorkflowVersion { get; init; }

    public string Workspace { get; init; } = WorkspaceIds.Default;

    public string Status { get; init; } = "";

    public string? TriggerNodeId { get; init; }

    public string Trigger { get; init; } = "{}";

    public string? StartedBy { get; init; }

    public string? Thread { get; init; }

    public long CreatedAt { get; init; }

    public long? StartedAt { get; init; }

    public long? FinishedAt { get; init; }

    public string? ErrorNodeId { get; init; }

    public string? Error { get; init; }

    public string? Result { get; init; }

    public bool CancelRequested { get; init; }

    public string? LeaseOwner { get; init; }

    public long? LeaseExpiresAt { get; init; }

    public long LeaseEpoch { get; init; }

    public string? ParentRunId { get; init; }

    public string? ParentNodeId { get; init; }

    public int Depth { get; init; }

    public string? ReplayOf { get; init; }

    public string? ReplayFrom { get; init; }

    public string? TraceParent { get; init; }

    /// <summary>A new queued run; leased to <paramref name="owner"/> (epoch 1) when one is named, else free (epoch 0).</summary>
    public static RunRow Queued(RunState run, DateTimeOffset now, string? owner, DateTimeOffset? leaseUntil) => new()
    {
        Id = run.Id,
        WorkflowId = run.WorkflowId,
        WorkflowVersion = run.WorkflowVersion,
        Workspace = run.Workspace,
        Status = RunStatus.Queued.ToText(),
        TriggerNodeId = run.Request.TriggerNodeId,
        Trigger = run.Request.Trigger.GetRawText(),
        StartedBy = run.Request.StartedBy,
        Thread = run.Request.Thread,
        CreatedAt = UnixTime.From(now),
        LeaseOwner = owner,
        LeaseExpiresAt = UnixTime.From(leaseUntil),
        LeaseEpoch = owner is null ? 0 : 1,
        ParentRunId = run.Request.ParentRunId,
        ParentNodeId = run.Request.ParentNodeId,
        Depth = run.Request.Depth,
        ReplayOf = run.Request.ReplayOf,
        ReplayFrom = run.Request.ReplayFrom,
        TraceParent = run.TraceParent,
    };

    public StoredRun ToStored() => new()
    {
        Id = Id,
        WorkflowId = WorkflowId,
        WorkflowVersion = WorkflowVersion,
        Workspace = Workspace,
        Status = Enum.Parse<RunStatus>(Status, ignoreCase: true),
        TriggerNodeId = TriggerNodeId,
        Trigger = StoredJson.Parse(Trigger)!.Value,
        StartedBy = StartedBy,
        Thread = Thread,
        CreatedAt = UnixTime.To(CreatedAt),
        StartedAt = UnixTime.To(StartedAt),
        FinishedAt = UnixTime.To(FinishedAt),
        Error = Error is null ? null : new RunError(ErrorNodeId, Error),
        Result = StoredJson.Parse(Result),
        CancelRequested = CancelRequested,
        ParentRunId = ParentRunId,
        ParentNodeId = ParentNodeId,
        Depth = Depth,
        ReplayOf = ReplayOf,
        ReplayFrom = ReplayFrom,
        LeaseEpoch = LeaseEpoch,
        TraceParent = TraceParent,
    };
}
