using System.Threading.Channels;

namespace ChatFlows.Bot.Playground;

/// <summary>One listener's queue of Playground events.</summary>
public sealed class PlaygroundSubscription : IDisposable
{
    private readonly Channel<PlaygroundFeedEvent> _channel = Channel.CreateUnbounded<PlaygroundFeedEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PlaygroundFeed _feed;

    internal PlaygroundSubscription(PlaygroundFeed feed) => _feed = feed;

    /// <summary>The events, in the order they were published.</summary>
    public ChannelReader<PlaygroundFeedEvent> Reader => _channel.Reader;

    internal ChannelWriter<PlaygroundFeedEvent> Writer => _channel.Writer;

    /// <summary>Stops listening; the reader completes.</summary>
    public void Dispose() => _feed.Unsubscribe(this);
}
