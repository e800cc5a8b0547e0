using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// What the OTLP exporter reports about its own exports (its event source): whether the exporter took a collector's
/// answer for a success, which only the exporter can say. Every host of the test process reports here; an event is
/// told apart by the endpoint it names.
/// </summary>
internal sealed class OtlpExporterEvents : EventListener
{
    private const string SourceName = "OpenTelemetry-Exporter-OpenTelemetryProtocol";

    private readonly ConcurrentQueue<(string Name, Uri Endpoint, string Text)> _events = new();

    /// <summary>
    /// The exporter's events about <paramref name="collector"/>: the event's name (<c>ExportSuccess</c>,
    /// <c>ExportFailure</c>…), the signal's endpoint and the message.
    /// </summary>
    public IReadOnlyList<(string Name, Uri Endpoint, string Text)> About(Uri collector) =>
        [.. _events.Where(e => e.Endpoint.Authority == collector.Authority)];

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == SourceName) EnableEvents(eventSource, EventLevel.Informational);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // The exporter's events name the signal's endpoint first.
        if (eventData.Payload is not [string endpoint, ..] || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) return;
        var text = eventData.Message is null ? "" : string.Format(System.Globalization.CultureInfo.InvariantCulture, eventData.Message, [.. eventData.Payload]);
        _events.Enqueue((eventData.EventName ?? "", uri, text));
    }
}
