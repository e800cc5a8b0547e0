namespace ChatFlows.Core.Running;

/// <summary>
/// Tells people about an approval that waits: a reminder or an escalation in the run's thread and by direct message,
/// an escalation's notify channel, a delegate who was handed the request. Chat adapters implement it; the approval
/// lifecycle calls it once per recorded <see cref="ApprovalEvent"/>.
/// </summary>
public interface IApprovalNotifier
{
    Task NotifyAsync(ApprovalNotice notice, CancellationToken ct = default);
}

/// <summary>What to tell: the event that happened, the approval's state after it, and who should hear (approver entries, groups expanded).</summary>
public sealed record ApprovalNotice(ApprovalEvent Event, ApprovalState State, IReadOnlyList<string> Recipients);
