namespace ChatFlows.Core.Messaging;

/// <summary>Remembers which chat message shows which run (docs/architecture.md, storage), so any instance can update it.</summary>
public interface IChatCardStore
{
    /// <summary>Records a posted card; false when the run already has that card (the first one stays).</summary>
    Task<bool> AddAsync(ChatCard card, CancellationToken ct = default);

    /// <summary>The run's card of <paramref name="kind"/> (for approvals, of node <paramref name="nodeId"/>), or null.</summary>
    Task<ChatCard?> FindAsync(string runId, string kind, string nodeId = "", CancellationToken ct = default);

    /// <summary>Every card of a run: its progress card first, then its approvals.</summary>
    Task<IReadOnlyList<ChatCard>> ListAsync(string runId, CancellationToken ct = default);

    /// <summary>Records that the platform refused an update for good (null clears it after a later update landed).</summary>
    Task SetErrorAsync(string runId, string kind, string nodeId, string? error, CancellationToken ct = default);
}
