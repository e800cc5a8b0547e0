using System.Text;
using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Cluster;

/// <summary>
/// Run events across instances (README §Running several instances): the events of runs executing here are told to
/// the other instances, and theirs are handed to this instance's <see cref="RunEventStream"/> for the observers that
/// watch every instance (a run's page, its server-sent events). An event whose JSON is too large for a notice
/// travels without its output, marked <see cref="RunEvent.OutputOmitted"/>. Before telling that a run waits or
/// ended, the journal is flushed, so that an instance reading the run on hearing it finds it as the event says.
/// With a bus that is not shared this does nothing and costs nothing: no subscription, so no event is even built.
/// </summary>
public sealed partial class ClusterRunEvents : IDisposable
{
    // Events told in one pass; one journal flush covers every run that waits or ended among them.
    private const int BatchSize = 512;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = StrictJson.StoredMaxDepth };

    private readonly RunEventStream _events;
    private readonly IRunStore _runs;
    private readonly IClusterBus _bus;
    private readonly ILogger _logger;
    private readonly IDisposable? _inbound;
    private readonly RunEventSubscription? _outbound;

    /// <summary>Starts listening at once, before any run starts, so that no event of a run executing here is missed.</summary>
    public ClusterRunEvents(RunEventStream events, IRunStore runs, IClusterBus bus, ILogger<ClusterRunEvents>? logger = null)
    {
        _events = events;
        _runs = runs;
        _bus = bus;
        _logger = logger ?? NullLogger<ClusterRunEvents>.Instance;
        if (!bus.IsShared) return;
        _inbound = bus.Subscribe(ClusterTopics.RunEvent, OnNotice);
        _outbound = events.Subscribe();
    }

    /// <summary>Tells the other instances about the runs executing here until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (_outbound is null) return;
        var reader = _outbound.Reader;
        var batch = new List<RunEvent>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                var settles = false;
                while (batch.Count < BatchSize && reader.TryRead(out var runEvent))
                {
                    batch.Add(runEvent);
                    settles |= runEvent.Type is RunEventTypes.RunWaiting or RunEventTypes.RunFinished;
                }
                if (settles) await FlushAsync(ct);
                foreach (var runEvent in batch) Tell(runEvent);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops listening both ways.</summary>
    public void Dispose()
    {
        _inbound?.Dispose();
        _outbound?.Dispose();
    }

    /// <summary>The notice for one event: its JSON, or without its output when that is too large; null when even that is.</summary>
    internal static string? Payload(RunEvent runEvent)
    {
        var json = JsonSerializer.Serialize(runEvent, Json);
        if (Encoding.UTF8.GetByteCount(json) <= ClusterNotice.MaxPayloadBytes) return json;
        if (runEvent.Output is null) return null;
        json = JsonSerializer.Serialize(WithoutOutput(runEvent), Json);
        return Encoding.UTF8.GetByteCount(json) <= ClusterNotice.MaxPayloadBytes ? json : null;
    }

    private static RunEvent WithoutOutput(RunEvent e) => new()
    {
        Type = e.Type,
        RunId = e.RunId,
        WorkflowId = e.WorkflowId,
        At = e.At,
        NodeId = e.NodeId,
        NodeKind = e.NodeKind,
        Status = e.Status,
        Attempt = e.Attempt,
        DurationMs = e.DurationMs,
        OutputOmitted = true,
        Error = e.Error,
        WillRetry = e.WillRetry,
        RetryInMs = e.RetryInMs,
        Bookmark = e.Bookmark,
        WakeAt = e.WakeAt,
    };

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            await _runs.FlushAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The event is told anyway; a reader elsewhere may find the journal a moment behind it.
            LogFlushFailed(ex);
        }
    }

    private void Tell(RunEvent runEvent)
    {
        if (Payload(runEvent) is { } payload) _bus.Publish(new ClusterNotice(ClusterTopics.RunEvent, payload));
        else LogTooLarge(runEvent.RunId, runEvent.Type);
    }

    private void OnNotice(ClusterNotice notice)
    {
        // Nobody here watches other instances' runs: not even read.
        if (!_events.HasSubscribersEverywhere) return;
        try
        {
            if (JsonSerializer.Deserialize<RunEvent>(notice.Payload, Json) is { } runEvent) _events.PublishFromElsewhere(runEvent);
        }
        catch (JsonException ex)
        {
            LogUnreadable(ex, notice.From);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing the run journal before telling other instances failed")]
    private partial void LogFlushFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Type} event of run {RunId} is too large to tell other instances, even without its output")]
    private partial void LogTooLarge(string runId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A run event from instance {From} could not be read")]
    private partial void LogUnreadable(Exception error, string? from);
}
