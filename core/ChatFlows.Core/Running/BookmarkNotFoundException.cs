namespace ChatFlows.Core.Running;

/// <summary>A resume call for a bookmark the run is not waiting on (a stale or duplicate click).</summary>
public sealed class BookmarkNotFoundException(string runId, string bookmark, string? nodeId)
    : Exception(nodeId is null
        ? $"Run {runId} is not waiting on '{bookmark}'; it may have been resumed already."
        : $"Node '{nodeId}' of run {runId} is not waiting on '{bookmark}'; it may have been resumed already.");
