using ChatFlows.Bot.Access;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Roles for chat (README §Workspaces and roles): a command or a click needs a role in the workspace of the workflow
/// it is about, as the canvas does; a refusal says which role, the person's role, and who can grant it.
/// </summary>
public sealed class ChatRoles(WorkspaceRoles roles, IWorkspaceGrants grants, IWorkflowStore workflows)
{
    /// <summary>The role of <paramref name="user"/> in <paramref name="workspace"/>.</summary>
    public Task<Role> RoleOfAsync(string user, string workspace, CancellationToken ct) => roles.RoleOfAsync(user, workspace, ct);

    /// <summary>Why <paramref name="user"/> may not <paramref name="what"/> in <paramref name="workspace"/>, or null when their role is enough.</summary>
    public async Task<string?> RefusalAsync(string user, string workspace, Role needed, string what, CancellationToken ct)
    {
        var role = await roles.RoleOfAsync(user, workspace, ct);
        if (role >= needed) return null;
        var admins = (await grants.ListAsync(workspace, ct)).Where(g => g.Role == Role.Admin).Select(g => g.Principal).ToArray();
        var who = admins.Length > 0 ? $"an admin of '{workspace}' ({string.Join(", ", admins)})" : $"an admin of '{workspace}'";
        return $"You may not {what}: that needs the {needed.Name()} role in workspace '{workspace}', and you are {role.WithArticle()}. Ask {who} to grant it on the Members page of ChatFlows.";
    }

    /// <summary>The workspace of a run: its workflow's.</summary>
    public async Task<string> WorkspaceOfAsync(StoredRun run, CancellationToken ct) =>
        (await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct))?.Workspace ?? WorkspaceIds.Default;

    /// <summary>The workspace of the run <paramref name="runId"/>, or null when there is no such run.</summary>
    public async Task<string?> WorkspaceOfAsync(IRunStore runs, string runId, CancellationToken ct) =>
        await runs.GetAsync(runId, ct) is { } run ? await WorkspaceOfAsync(run, ct) : null;
}
