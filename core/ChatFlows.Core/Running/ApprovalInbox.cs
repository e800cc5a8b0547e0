using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Running;

/// <summary>
/// "My approvals" (README §Approvals): every approval waiting across all workflows that a person may decide now
/// (listed, in a listed group, escalated to, or delegated to them), oldest first. The canvas page, <c>GET /api/approvals</c>
/// and <c>/run approvals</c> in chat all read it.
/// </summary>
public sealed class ApprovalInbox
{
    /// <summary>The approvals <paramref name="person"/> may decide now, oldest first.</summary>
    public Task<IReadOnlyList<ApprovalInboxItem>> ListAsync(Decider person, CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Every waiting approval, oldest first (for admins).</summary>
    public Task<IReadOnlyList<ApprovalInboxItem>> ListAllAsync(CancellationToken ct = default) => throw new NotImplementedException();
}

/// <summary>One waiting approval in an inbox.</summary>
public sealed record ApprovalInboxItem(string WorkflowId, string WorkflowName, ApprovalState State);
