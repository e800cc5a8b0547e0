using System.Threading.Channels;

namespace ChatFlows.Core.Running;

/// <summary>
/// Fans run events out to any number of observers. Each observer has its own unbounded queue, so a slow reader
/// never slows a run; with no observers, publishing costs a single read.
/// </summary>
public sealed class RunEventStream
{
    private RunEventSubscription[] _subscribers = [];
    private readonly Lock _gate = new();

    /// <summary>True when someone is listening; the engine builds no events otherwise.</summary>
    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    /// <summary>Delivers an event to every matching subscriber without waiting.</summary>
    public void Publish(RunEvent runEvent)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (subscriber.RunId is null || subscriber.RunId == runEvent.RunId) subscriber.Writer.TryWrite(runEvent);
        }
    }

    /// <summary>Listens to one run's events, or to every run's when <paramref name="runId"/> is null. Dispose to stop.</summary>
    public RunEventSubscription Subscribe(string? runId = null)
    {
        var subscription = new RunEventSubscription(runId, this);
        lock (_gate) _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    internal void Unsubscribe(RunEventSubscription subscription)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => s != subscription).ToArray();
        subscription.Writer.TryComplete();
    }
}

/// <summary>A listener's queue of run events.</summary>
public sealed class RunEventSubscription : IDisposable
{
    private readonly Channel<RunEvent> _channel = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RunEventStream _stream;

    internal RunEventSubscription(string? runId, RunEventStream stream)
    {
        RunId = runId;
        _stream = stream;
    }

    /// <summary>The run listened to, or null for all runs.</summary>
    public string? RunId { get; }

    /// <summary>The events, in the order each run produced them.</summary>
    public ChannelReader<RunEvent> Reader => _channel.Reader;

    internal ChannelWriter<RunEvent> Writer => _channel.Writer;

    /// <summary>Stops listening; the reader completes.</summary>
    public void Dispose() => _stream.Unsubscribe(this);
}
