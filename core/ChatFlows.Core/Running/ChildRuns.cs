using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>
/// How a sub-workflow's run hands its outcome to the parent node waiting for it: the parent waits on
/// <see cref="Bookmark"/>, and the child's end stores <see cref="Outcome"/> as the decision for that bookmark.
/// </summary>
public static class ChildRuns
{
    /// <summary>The bookmark a parent node waits on for the child run <paramref name="childRunId"/>.</summary>
    public static string Bookmark(string childRunId) => "run:" + childRunId;

    /// <summary><c>{ runId, workflowId, status, result, error: { nodeId, message } }</c> of an ended child run.</summary>
    public static JsonElement Outcome(string runId, string workflowId, RunStatus status, JsonElement? result, RunError? error) =>
        JsonSerializer.SerializeToElement(new
        {
            runId,
            workflowId,
            status = status.ToText(),
            result,
            error = error is null ? null : new { nodeId = error.NodeId, message = error.Message },
        });
}
