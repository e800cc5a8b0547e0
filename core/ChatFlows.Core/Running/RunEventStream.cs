using System.Threading.Channels;

namespace ChatFlows.Core.Running;

/// <summary>
/// Fans run events out to any number of observers. Each observer has its own unbounded queue, so a slow reader
/// never slows a run; with no observers, publishing costs a single read. When instances share a database, the
/// events of runs executing elsewhere arrive through <see cref="PublishFromElsewhere"/> and reach only the
/// observers that asked for every instance's (README §Running several instances): a page watching a run does,
/// while whatever acts on a run (its chat cards) hears only the runs executing here.
/// </summary>
public sealed class RunEventStream
{
    private RunEventSubscription[] _subscribers = [];
    private readonly Lock _gate = new();

    /// <summary>True when someone is listening; the engine builds no events otherwise.</summary>
    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    /// <summary>True when someone listens to the runs of other instances too.</summary>
    public bool HasSubscribersEverywhere => Volatile.Read(ref _subscribers).Any(s => s.EveryInstance);

    /// <summary>Delivers an event of a run executing here to every matching subscriber without waiting.</summary>
    public void Publish(RunEvent runEvent)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if ((subscriber.RunId is null || subscriber.RunId == runEvent.RunId) && (subscriber.Filter is null || subscriber.Filter(runEvent))) subscriber.Writer.TryWrite(runEvent);
        }
    }

    /// <summary>Delivers an event of a run executing on another instance to the matching subscribers that asked for every instance's.</summary>
    public void PublishFromElsewhere(RunEvent runEvent)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (subscriber.EveryInstance && (subscriber.RunId is null || subscriber.RunId == runEvent.RunId) && (subscriber.Filter is null || subscriber.Filter(runEvent)))
            {
                subscriber.Writer.TryWrite(runEvent);
            }
        }
    }

    /// <summary>
    /// Listens to one run's events, or to every run's when <paramref name="runId"/> is null; with
    /// <paramref name="everyInstance"/>, also while the run executes on another instance. Only the events
    /// <paramref name="filter"/> takes are queued (a listener for a few kinds of event does not queue every node's).
    /// Dispose to stop.
    /// </summary>
    public RunEventSubscription Subscribe(string? runId = null, bool everyInstance = false, Func<RunEvent, bool>? filter = null)
    {
        var subscription = new RunEventSubscription(runId, everyInstance, this) { Filter = filter };
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

    internal RunEventSubscription(string? runId, bool everyInstance, RunEventStream stream)
    {
        RunId = runId;
        EveryInstance = everyInstance;
        _stream = stream;
    }

    /// <summary>The run listened to, or null for all runs.</summary>
    public string? RunId { get; }

    /// <summary>True when the events of runs executing on other instances are delivered too.</summary>
    public bool EveryInstance { get; }

    /// <summary>Which events are queued; null for all.</summary>
    public Func<RunEvent, bool>? Filter { get; init; }

    /// <summary>The events, in the order each run produced them.</summary>
    public ChannelReader<RunEvent> Reader => _channel.Reader;

    internal ChannelWriter<RunEvent> Writer => _channel.Writer;

    /// <summary>Stops listening; the reader completes.</summary>
    public void Dispose() => _stream.Unsubscribe(this);
}
