namespace ChatFlows.Core.Messaging;

/// <summary>
/// Resolves <c>card:&lt;run id&gt;</c>, the thread of a run's progress card, to the real thread once the card is
/// posted (README, Chat cards): everything the run says waits for its card.
/// </summary>
public interface ICardThreads
{
    /// <summary>
    /// The thread of run <paramref name="runId"/>'s progress card, waiting until it is posted; throws a
    /// <see cref="Nodes.NodeException"/> with the platform's reason when the card could not be posted.
    /// </summary>
    Task<string> ResolveAsync(string runId, ChatChannels channels, CancellationToken ct);
}
