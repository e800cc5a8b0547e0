using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// "My approvals" (README §Approvals): every approval waiting across all workflows that a person may decide now
/// (listed, in a listed group, escalated to, or delegated to them) and has not voted on, oldest first. The canvas page,
/// <c>GET /api/approvals</c> and <c>/run approvals</c> in chat all read it.
/// </summary>
public sealed class ApprovalInbox(IWorkflowStore workflows, Approvals approvals, IEnumerable<IApproverGroups>? groups = null)
{
    private readonly IApproverGroups[] _groups = groups?.ToArray() ?? [];

    /// <summary>The approvals <paramref name="person"/> may decide now, oldest first.</summary>
    public async Task<IReadOnlyList<ApprovalInboxItem>> ListAsync(Decider person, CancellationToken ct = default)
    {
        var members = new GroupMembers(_groups);
        var mine = new List<ApprovalInboxItem>();
        foreach (var item in await ListAllAsync(ct))
        {
            if (await approvals.AwaitsAsync(item.State, person, members, ct)) mine.Add(item);
        }
        return mine;
    }

    /// <summary>Every waiting approval, oldest first (for admins).</summary>
    public async Task<IReadOnlyList<ApprovalInboxItem>> ListAllAsync(CancellationToken ct = default)
    {
        var items = new List<ApprovalInboxItem>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (run, state) in await approvals.WaitingAsync(ct))
        {
            if (!names.TryGetValue(run.WorkflowId, out var name))
            {
                name = (await workflows.GetAsync(run.WorkflowId, ct))?.Document.DisplayName ?? run.WorkflowId;
                names[run.WorkflowId] = name;
            }
            items.Add(new ApprovalInboxItem(run.WorkflowId, name, state) { Workspace = run.Workspace });
        }
        return items.OrderBy(i => i.State.Request.RequestedAt).ThenBy(i => i.State.RunId, StringComparer.Ordinal).ThenBy(i => i.State.NodeId, StringComparer.Ordinal).ToList();
    }
}

/// <summary>One waiting approval in an inbox.</summary>
public sealed record ApprovalInboxItem(string WorkflowId, string WorkflowName, ApprovalState State)
{
    /// <summary>The workspace of the waiting run (README §Workspaces and roles).</summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;
}
