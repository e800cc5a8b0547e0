namespace ChatFlows.Core.Messaging;

/// <summary>
/// Remembers which chat message shows which run (docs/architecture.md, storage), so any instance can update it; and
/// is the outbox of cards not yet posted: a card is recorded as an intent first, then posted, then its id recorded.
/// </summary>
public interface IChatCardStore
{
    /// <summary>Records a posted card; false when the run already has that card (the first one stays).</summary>
    Task<bool> AddAsync(ChatCard card, CancellationToken ct = default);

    /// <summary>Records a card to be posted (<see cref="ChatCard.Intent"/>); false when the run already has that card.</summary>
    Task<bool> AddIntentAsync(ChatCard intent, CancellationToken ct = default);

    /// <summary>Every card not yet posted and not given up, oldest first.</summary>
    Task<IReadOnlyList<ChatCard>> ListPendingAsync(CancellationToken ct = default);

    /// <summary>
    /// Claims the next post attempt of a card not yet posted (recorded before the call): true when the card's last
    /// attempt is still <paramref name="previous"/> (null: never attempted), so that of several instances sweeping the
    /// outbox only one posts it; false when another attempt came first, or the card was posted or given up meanwhile.
    /// </summary>
    Task<bool> TryMarkAttemptedAsync(string runId, string kind, string nodeId, DateTimeOffset at, DateTimeOffset? previous, CancellationToken ct = default);

    /// <summary>Records where the card was posted and the platform's id for it.</summary>
    Task RecordPostedAsync(string runId, string kind, string nodeId, PostedMessage message, CancellationToken ct = default);

    /// <summary>Records that the card will not be posted, and why (the platform's reason).</summary>
    Task RecordFailedAsync(string runId, string kind, string nodeId, string error, CancellationToken ct = default);

    /// <summary>Forgets a card that was never posted (its run was never queued).</summary>
    Task DeleteAsync(string runId, string kind, string nodeId, CancellationToken ct = default);

    /// <summary>The run's card of <paramref name="kind"/> (for approvals, of node <paramref name="nodeId"/>), or null.</summary>
    Task<ChatCard?> FindAsync(string runId, string kind, string nodeId = "", CancellationToken ct = default);

    /// <summary>Every card of a run: its progress card first, then its approvals.</summary>
    Task<IReadOnlyList<ChatCard>> ListAsync(string runId, CancellationToken ct = default);

    /// <summary>Records that the platform refused an update for good (null clears it after a later update landed).</summary>
    Task SetErrorAsync(string runId, string kind, string nodeId, string? error, CancellationToken ct = default);

    /// <summary>
    /// The runs whose progress card was posted in <paramref name="thread"/> (<c>&lt;channel&gt;#&lt;root id&gt;</c>),
    /// or is that thread's root, newest first: whose conversation a reply there continues.
    /// </summary>
    Task<IReadOnlyList<string>> ListRunsInThreadAsync(string thread, CancellationToken ct = default);
}
