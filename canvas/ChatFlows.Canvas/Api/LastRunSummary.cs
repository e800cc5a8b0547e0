using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Canvas.Api;

/// <summary>A listed workflow's newest run: where it is and when it started and ended.</summary>
internal sealed record LastRunSummary(string Id, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static LastRunSummary From(StoredRun run) => new(run.Id, run.Status, run.CreatedAt, run.StartedAt, run.FinishedAt);
}
