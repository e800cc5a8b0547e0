namespace ChatFlows.Core.Running;

/// <summary>A child run a <c>tool/subworkflow</c> node asks for.</summary>
/// <param name="WorkflowId">The workflow to run (its current version).</param>
/// <param name="TriggerNodeId">The child's trigger that fires; null picks its manual trigger, else its first.</param>
/// <param name="Run">The child's request: its id, input as <c>trigger</c>, parent run and node, and depth.</param>
public sealed record SubworkflowRequest(string WorkflowId, string? TriggerNodeId, RunRequest Run)
{
    /// <summary>The workspace of the calling run's workflow (README §Workspaces and roles), checked against the child's.</summary>
    public string CallerWorkspace { get; init; } = Workspaces.WorkspaceIds.Default;
}
