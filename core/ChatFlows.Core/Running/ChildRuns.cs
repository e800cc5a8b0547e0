using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>
/// How a sub-workflow's run hands its outcome to the parent node waiting for it: the parent waits on
/// <see cref="Bookmark"/>, and the child's end stores <see cref="Outcome"/> as the decision for that bookmark.
/// </summary>
public static class ChildRuns
{
    /// <summary>The bookmark a parent node waits on for the child run <paramref name="childRunId"/>.</summary>
    public static string Bookmark(string childRunId) => BookmarkPrefix + childRunId;

    /// <summary>True when a node waits for a child run.</summary>
    public static bool IsChildBookmark(string? bookmark) => bookmark?.StartsWith(BookmarkPrefix, StringComparison.Ordinal) == true;

    private const string BookmarkPrefix = "run:";

    /// <summary>
    /// <c>{ runId, workflowId, status, result, error: { nodeId, message } }</c> of an ended child run; its result is
    /// what its respond or end node gave, or else its data (every node's output by key).
    /// </summary>
    public static JsonElement Outcome(RunState run) =>
        JsonSerializer.SerializeToElement(new
        {
            runId = run.Id,
            workflowId = run.WorkflowId,
            status = run.Status.ToText(),
            result = run.Result ?? JsonSerializer.SerializeToElement(run.Data.ToDictionary(p => p.Key, p => p.Value)),
            error = run.Error is null ? null : new { nodeId = run.Error.NodeId, message = run.Error.Message },
        });
}
