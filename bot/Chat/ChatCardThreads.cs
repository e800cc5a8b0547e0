using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Resolves <c>card:&lt;run id&gt;</c> to the thread of the run's progress card once it is posted (README, Chat
/// cards): a message of the run waits for the card (looking in the store with a growing delay), fails with the
/// platform's reason when the card was refused, and gives up after <see cref="ChatOptions.CardPostTimeout"/>.
/// </summary>
public sealed class ChatCardThreads(IChatCardStore cards, IOptions<ChatOptions> options, TimeProvider time) : ICardThreads
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);

    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async Task<string> ResolveAsync(string runId, ChatChannels channels, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.Value.CardPostTimeout;
        var poll = FirstPoll;
        while (true)
        {
            if (await ThreadIfPostedAsync(runId, channels, ct) is { } thread) return thread;
            if (time.GetUtcNow() >= deadline)
            {
                throw new NodeException(
                    $"Cannot post in the run's thread: its card was not posted within {options.Value.CardPostTimeout} ({ChatOptions.SectionName}:CardPostTimeout).");
            }
            await Task.Delay(poll, time, ct);
            poll = poll * 2 > MaxPoll ? MaxPoll : poll * 2;
        }
    }

    /// <summary>
    /// The thread of run <paramref name="runId"/>'s progress card if it is posted, null while it waits to be; throws
    /// with the platform's reason when it could not be posted. The card poster asks this before an approval card.
    /// </summary>
    public async Task<string?> ThreadIfPostedAsync(string runId, ChatChannels channels, CancellationToken ct)
    {
        var card = await cards.FindAsync(runId, ChatCard.Progress, "", ct)
            ?? throw new NodeException($"Cannot post in the thread of run {runId}'s card: the run has no progress card.");
        if (card.IsFailed) throw new NodeException($"Cannot post in the run's thread: its card could not be posted to {card.Message.Target}: {card.LastError}");
        if (!card.IsPosted) return null;
        var presenter = channels.For<IChatPresenter>(card.Message.Target)
            ?? throw new NodeException($"Cannot post in the thread of {card.Message.Target}: no chat adapter serves it here.");
        return presenter.ThreadOf(card.Message);
    }
}
