using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Canvas.Api;

/// <summary>A run in the history list, without its trigger payload and nodes.</summary>
internal sealed record RunSummary(
    string Id,
    string WorkflowId,
    int WorkflowVersion,
    RunStatus Status,
    string? TriggerNodeId,
    string? StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationMs,
    RunError? Error)
{
    public static RunSummary From(StoredRun run) => new(
        run.Id, run.WorkflowId, run.WorkflowVersion, run.Status, run.TriggerNodeId, run.StartedBy,
        run.CreatedAt, run.StartedAt, run.FinishedAt, RunDetail.Milliseconds(run.StartedAt, run.FinishedAt), run.Error);
}
