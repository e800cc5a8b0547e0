namespace ChatFlows.Core.Messaging;

/// <summary>
/// A card a run keeps up to date in chat: its progress card, or the card of one of its approvals. It is recorded
/// first as an intent (not yet known to be posted, <see cref="IsPosted"/> false) and posted from that record when the
/// platform allows (README, Chat cards).
/// </summary>
/// <param name="RunId">The run it shows.</param>
/// <param name="Kind"><see cref="Progress"/>, <see cref="Approval"/> or <see cref="ApprovalCopy"/>.</param>
/// <param name="NodeId">
/// The approval node; empty for the progress card; for a copy, the node and where the copy goes,
/// <c>&lt;node id&gt;@&lt;target&gt;</c> (<see cref="CopyKey"/>), so one approval may have a copy in many places.
/// </param>
/// <param name="Message">
/// Where it goes and the id the platform gave it. Before it is posted the id is empty and the target is where it is
/// to go (a channel, a thread, or <c>card:&lt;run id&gt;</c>, the thread of the run's progress card).
/// </param>
/// <param name="LastError">The last update the platform refused for good, or why the card could not be posted.</param>
public sealed record ChatCard(string RunId, string Kind, string NodeId, PostedMessage Message, string? LastError = null)
{
    public const string Progress = "progress";

    public const string Approval = "approval";

    /// <summary>
    /// The same approval card posted somewhere other than the run's thread (a direct message to an approver, an
    /// escalation's notify channel), kept up to date together with the thread's card (README, Chat cards).
    /// </summary>
    public const string ApprovalCopy = "approval-copy";

    /// <summary>The <see cref="NodeId"/> of the copy of approval <paramref name="nodeId"/>'s card posted to <paramref name="target"/>.</summary>
    public static string CopyKey(string nodeId, string target) => $"{nodeId}@{target}";

    /// <summary>True for the thread's approval card and its copies.</summary>
    public bool IsApproval => Kind is Approval or ApprovalCopy;

    /// <summary>The approval node this card shows (node ids never hold <c>@</c>); empty for a progress card.</summary>
    public string ApprovalNodeId => Kind == ApprovalCopy && NodeId.IndexOf('@', StringComparison.Ordinal) is var at and > 0 ? NodeId[..at] : NodeId;

    /// <summary>When a post of it was last attempted; set before the call, so after a crash it may have been posted.</summary>
    public DateTimeOffset? AttemptedAt { get; init; }

    /// <summary>When posting it was given up (refused for good, or failing for too long); <see cref="LastError"/> says why.</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True once the platform's id for it is recorded.</summary>
    public bool IsPosted => Message.MessageId.Length > 0;

    /// <summary>True when it will not be posted.</summary>
    public bool IsFailed => FailedAt is not null;

    /// <summary>A card to be posted to <paramref name="target"/>.</summary>
    public static ChatCard Intent(string runId, string kind, string nodeId, string target) => new(runId, kind, nodeId, new PostedMessage(target, ""));
}
