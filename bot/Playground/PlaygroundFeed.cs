using System.Text;
using System.Text.Json;
using ChatFlows.Core.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Bot.Playground;

/// <summary>
/// Fans Playground events out to every open page of this instance, and, when instances share a database, to the
/// pages of the others (README §Running several instances): a run on one instance posts, a page served by another
/// shows it. Each listener has its own unbounded queue, so a slow browser never holds up a run that posts.
/// </summary>
public sealed partial class PlaygroundFeed : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private PlaygroundSubscription[] _subscribers = [];
    private readonly Lock _gate = new();
    private readonly IClusterBus? _bus;
    private readonly IDisposable? _inbound;
    private readonly Func<long, CancellationToken, Task<PlaygroundMessage?>>? _read;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>A feed for this instance alone.</summary>
    public PlaygroundFeed()
    {
    }

    /// <summary>A feed shared with the other instances on <paramref name="bus"/>; a message too large for a notice is read back from <paramref name="store"/>.</summary>
    public PlaygroundFeed(IClusterBus bus, PlaygroundStore store, ILogger<PlaygroundFeed> logger)
    {
        if (!bus.IsShared) return;
        _bus = bus;
        _read = store.GetAsync;
        _logger = logger;
        _inbound = bus.Subscribe(ClusterTopics.Playground, OnNotice);
    }

    /// <summary>Delivers an event to every listener, here and on the other instances, without waiting.</summary>
    public void Publish(PlaygroundFeedEvent feedEvent)
    {
        Deliver(feedEvent);
        _bus?.Publish(new ClusterNotice(ClusterTopics.Playground, Payload(feedEvent)));
    }

    /// <summary>Starts listening. Dispose the subscription to stop.</summary>
    public PlaygroundSubscription Subscribe()
    {
        var subscription = new PlaygroundSubscription(this);
        lock (_gate) _subscribers = [.. _subscribers, subscription];
        return subscription;
    }

    /// <summary>Stops listening to the other instances.</summary>
    public void Dispose() => _inbound?.Dispose();

    internal void Unsubscribe(PlaygroundSubscription subscription)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => s != subscription).ToArray();
        subscription.Writer.TryComplete();
    }

    // The message itself when it fits in a notice; otherwise (a large card) its id, and listeners read it back.
    internal static string Payload(PlaygroundFeedEvent feedEvent)
    {
        var whole = JsonSerializer.Serialize(new Notice(feedEvent.Type, feedEvent.Message.Id, feedEvent.Message), Json);
        return Encoding.UTF8.GetByteCount(whole) <= ClusterNotice.MaxPayloadBytes
            ? whole
            : JsonSerializer.Serialize(new Notice(feedEvent.Type, feedEvent.Message.Id, null), Json);
    }

    private void Deliver(PlaygroundFeedEvent feedEvent)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers)) subscriber.Writer.TryWrite(feedEvent);
    }

    private void OnNotice(ClusterNotice notice)
    {
        // No page open here: nothing to read.
        if (Volatile.Read(ref _subscribers).Length == 0) return;
        Notice? told;
        try
        {
            told = JsonSerializer.Deserialize<Notice>(notice.Payload, Json);
        }
        catch (JsonException ex)
        {
            LogUnreadable(ex, notice.From);
            return;
        }
        if (told?.Type is not { } type) return;
        if (told.Message is { } message) Deliver(new PlaygroundFeedEvent(type, message));
        else _ = ReadAndDeliverAsync(type, told.Id);
    }

    private async Task ReadAndDeliverAsync(string type, long id)
    {
        try
        {
            if (await _read!(id, CancellationToken.None) is { } message) Deliver(new PlaygroundFeedEvent(type, message));
        }
        catch (Exception ex)
        {
            LogReadFailed(ex, id);
        }
    }

    // The payload of ClusterTopics.Playground.
    private sealed record Notice(string? Type, long Id, PlaygroundMessage? Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Playground notice from instance {From} could not be read")]
    private partial void LogUnreadable(Exception error, string? from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playground message {MessageId}, posted on another instance, could not be read")]
    private partial void LogReadFailed(Exception error, long messageId);
}
