namespace ChatFlows.Core.Messaging;

/// <summary>
/// Posts messages to one chat platform. The Slack, Teams and Playground adapters implement it; the engine's
/// <c>output/message</c> node reaches them through <see cref="ChatChannels"/> without knowing which is which.
/// </summary>
public interface IChatChannel
{
    /// <summary>The platform prefix of the addresses it serves: <c>slack</c>, <c>teams</c> or <c>playground</c>.</summary>
    string Platform { get; }

    /// <summary>Posts the message; throws with a sentence a person understands when the platform refuses it.</summary>
    Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct);
}
