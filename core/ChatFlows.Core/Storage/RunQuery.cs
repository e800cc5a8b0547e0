using ChatFlows.Core.Running;

namespace ChatFlows.Core.Storage;

/// <summary>A page of run history, newest first.</summary>
/// <param name="WorkflowId">Only runs of this workflow.</param>
/// <param name="Status">Only runs in this status.</param>
/// <param name="Before">Only runs older than this run id (the previous page's <see cref="RunPage.Next"/>).</param>
/// <param name="Limit">Page size.</param>
/// <param name="Workspace">Only runs of workflows of this workspace (README §Workspaces and roles); null for every workspace.</param>
public sealed record RunQuery(string? WorkflowId = null, RunStatus? Status = null, string? Before = null, int Limit = 50, string? Workspace = null);

/// <summary>Runs of one page and the cursor of the next, null on the last page.</summary>
public sealed record RunPage(IReadOnlyList<StoredRun> Items, string? Next);
