namespace ChatFlows.Bot.Playground;

/// <summary>
/// Fans Playground events out to every open page in this process. Each listener has its own unbounded queue, so a
/// slow browser never holds up a run that posts.
/// </summary>
public sealed class PlaygroundFeed
{
    private PlaygroundSubscription[] _subscribers = [];
    private readonly Lock _gate = new();

    /// <summary>Delivers an event to every listener without waiting.</summary>
    public void Publish(PlaygroundFeedEvent feedEvent)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers)) subscriber.Writer.TryWrite(feedEvent);
    }

    /// <summary>Starts listening. Dispose the subscription to stop.</summary>
    public PlaygroundSubscription Subscribe()
    {
        var subscription = new PlaygroundSubscription(this);
        lock (_gate) _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    internal void Unsubscribe(PlaygroundSubscription subscription)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => s != subscription).ToArray();
        subscription.Writer.TryComplete();
    }
}
