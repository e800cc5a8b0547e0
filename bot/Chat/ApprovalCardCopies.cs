using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Copies of an approval card posted outside the run's thread (README, Chat cards): a direct message to an approver
/// (<c>slack:U012AB3CD</c>; a Teams person needs a personal conversation, <c>teams:&lt;conversation id&gt;</c>), an
/// escalation's notify channel (<c>slack:C0ONCALL</c>). Each copy is recorded in the card store as
/// <see cref="ChatCard.ApprovalCopy"/> keyed <c>&lt;node id&gt;@&lt;target&gt;</c>, posted by the outbox
/// (<see cref="ChatCardPoster"/>) with the approval's current state, and updated with the thread's card by every
/// instance: a decision, a vote, a reminder or an escalation shows on all of them.
/// </summary>
public sealed partial class ApprovalCardCopies(IChatCardStore cards, ChatChannels channels, ChatCardSignals signals, ILogger<ApprovalCardCopies> logger)
{
    /// <summary>
    /// Records that approval <paramref name="nodeId"/> of run <paramref name="runId"/> gets a copy of its card at
    /// <paramref name="target"/>, and wakes the outbox to post it. False when that copy was recorded before (posted
    /// once per place). Throws <see cref="NodeException"/> when no chat platform of this host serves the target.
    /// </summary>
    public async Task<bool> PostAsync(string runId, string nodeId, string target, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        if (ChatChannels.CardRunOf(target) is not null || channels.For<IChatPresenter>(target) is null)
            throw new NodeException($"Cannot post a copy of the approval card to {target}: no chat platform of this host shows cards there.");
        var added = await cards.AddIntentAsync(ChatCard.Intent(runId, ChatCard.ApprovalCopy, ChatCard.CopyKey(nodeId, target), target), ct);
        if (!added) return false;
        LogCopyRecorded(runId, nodeId, target);
        signals.Wake();
        return true;
    }

    /// <summary>Every card of approval <paramref name="nodeId"/> of a run: the thread's and its copies, posted or not.</summary>
    public async Task<IReadOnlyList<ChatCard>> ListAsync(string runId, string nodeId, CancellationToken ct) =>
        (await cards.ListAsync(runId, ct)).Where(c => c.IsApproval && c.ApprovalNodeId == nodeId).ToArray();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Approval {NodeId} of run {RunId}: a copy of its card is to be posted to {Target}")]
    private partial void LogCopyRecorded(string runId, string nodeId, string target);
}
