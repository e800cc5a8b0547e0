namespace ChatFlows.Core.Running;

/// <summary>The journal of every approval's votes, reminders, escalations and delegations, in the product's database.</summary>
public interface IApprovalLog
{
    /// <summary>Records <paramref name="entry"/>; false when the approval already has an entry with its key (nothing changes).</summary>
    Task<bool> AppendAsync(ApprovalEvent entry, CancellationToken ct = default);

    /// <summary>The entries of one approval, oldest first.</summary>
    Task<IReadOnlyList<ApprovalEvent>> ListAsync(string runId, string nodeId, CancellationToken ct = default);

    /// <summary>The entries of every approval of a run, oldest first.</summary>
    Task<IReadOnlyList<ApprovalEvent>> ListAsync(string runId, CancellationToken ct = default);

    /// <summary>Forgets the entries of runs that were deleted (retention).</summary>
    Task DeleteRunsAsync(IReadOnlyCollection<string> runIds, CancellationToken ct = default);
}
