using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// "My approvals" (README §Approvals): every approval waiting across all workflows that a person may decide now
/// (listed, in a listed group, escalated to, or delegated to them) and has not voted on, oldest first. The canvas page,
/// <c>GET /api/approvals</c> and <c>/run approvals</c> in chat all read it.
/// </summary>
public sealed class ApprovalInbox(IRunStore runs, IWorkflowStore workflows, Approvals approvals, IEnumerable<IApproverGroups>? groups = null)
{
    private const int Page = 200;
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
        string? before = null;
        do
        {
            var page = await runs.ListAsync(new RunQuery(Status: RunStatus.Waiting, Before: before, Limit: Page), ct);
            foreach (var listed in page.Items)
            {
                if (await runs.GetAsync(listed.Id, ct) is not { } run) continue;
                foreach (var node in run.Nodes.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark))
                {
                    // A decision already taken by the run but not yet carried out is no longer waiting for anyone.
                    if (run.Resumes.Any(r => r.Bookmark == ApprovalNode.Bookmark && (r.NodeId is null || r.NodeId == node.NodeId))) continue;
                    if (ApprovalRequest.From(node.Output) is not { } request) continue;
                    var state = await approvals.FoldAsync(run.Id, node.NodeId, request, ct);
                    if (state.Outcome is not null) continue;
                    if (!names.TryGetValue(run.WorkflowId, out var name))
                    {
                        name = (await workflows.GetAsync(run.WorkflowId, ct))?.Document.DisplayName ?? run.WorkflowId;
                        names[run.WorkflowId] = name;
                    }
                    items.Add(new ApprovalInboxItem(run.WorkflowId, name, state));
                }
            }
            before = page.Next;
        }
        while (before is not null);
        return items.OrderBy(i => i.State.Request.RequestedAt).ThenBy(i => i.State.RunId, StringComparer.Ordinal).ThenBy(i => i.State.NodeId, StringComparer.Ordinal).ToList();
    }
}

/// <summary>One waiting approval in an inbox.</summary>
public sealed record ApprovalInboxItem(string WorkflowId, string WorkflowName, ApprovalState State);
