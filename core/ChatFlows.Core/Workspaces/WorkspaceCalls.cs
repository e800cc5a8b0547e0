namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Whether a workflow may start a workflow of another workspace (README §Workspaces and roles): a sub-workflow node or
/// a workflow tool always may call its own workspace's workflows; another workspace's only when its workspace's
/// policy lists that workspace (<see cref="WorkspacePolicy.Workflows"/>; <see cref="WorkspaceRules.WorkflowRefusal"/> is the rule). Every start of
/// one workflow by another asks here, knowing both workspaces.
/// </summary>
public static class WorkspaceCalls
{
    /// <summary>
    /// Null when a workflow of <paramref name="caller"/> may start workflow <paramref name="workflowId"/> of
    /// <paramref name="target"/>; otherwise the sentence the calling node fails with, saying what to do. The target
    /// workspace is not named, so a run learns nothing of another team's workspace.
    /// </summary>
    public static async Task<string?> RefusalAsync(IWorkspaceStore workspaces, string caller, string target, string workflowId, CancellationToken ct = default)
    {
        if (caller == target) return null;
        var policy = (await workspaces.GetAsync(caller, ct))?.Policy ?? WorkspacePolicy.Open;
        return WorkspaceRules.WorkflowRefusal(caller, policy, workflowId, target) is { } refusal ? char.ToUpperInvariant(refusal[0]) + refusal[1..] : null;
    }
}
