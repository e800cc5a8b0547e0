using ChatFlows.Core.Messaging;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// How one chat platform (Playground, Slack, Teams) shows runs: it renders the channel-neutral progress and approval
/// views its own way and posts or updates them. The chat layer decides what to show and when. Each platform registers
/// itself once, as an <see cref="IChatChannel"/>; <see cref="ChatChannels.For{T}"/> finds it by address.
/// </summary>
public interface IChatPresenter : IChatChannel
{
    /// <summary>Posts a run's progress card to a channel or a thread (an address of this platform).</summary>
    Task<PostedMessage> PostProgressAsync(string target, ProgressView view, CancellationToken ct);

    /// <summary>Replaces a posted progress card with a newer view. A platform asking to wait throws <see cref="ChatRateLimitedException"/>.</summary>
    Task UpdateProgressAsync(PostedMessage message, ProgressView view, CancellationToken ct);

    /// <summary>The thread everything else a run says goes to: the progress card's thread.</summary>
    string ThreadOf(PostedMessage progress);

    /// <summary>Posts an approval request (with Approve / Reject) in a run's thread.</summary>
    Task<PostedMessage> PostApprovalAsync(string thread, ApprovalView view, CancellationToken ct);

    /// <summary>Replaces a posted approval card, e.g. to show who decided.</summary>
    Task UpdateApprovalAsync(PostedMessage message, ApprovalView view, CancellationToken ct);

    /// <summary>
    /// Looks for <paramref name="card"/> in <paramref name="target"/>, posted at or after <paramref name="since"/> by an
    /// attempt whose answer was lost (a crash, a timeout): the message, or null when it is not there or the platform
    /// cannot tell (then it is posted again).
    /// </summary>
    Task<PostedMessage?> FindCardAsync(string target, ChatCard card, DateTimeOffset since, CancellationToken ct);
}
