using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatFlows.Core.Telemetry;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// The measurements on the model call meter (<see cref="ChatFlowsTelemetry.ModelCalls"/>), each with the trace it was
/// made in: the host's run worker makes them, outside the test's flow, and other tests' model calls share the meter.
/// </summary>
internal sealed class ModelCallMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<ModelCallMeasurement> _recorded = new();

    public ModelCallMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatFlowsTelemetry.ModelCalls) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The measurements of <paramref name="instrument"/> made while a span of <paramref name="traceId"/> was current.</summary>
    public IReadOnlyList<ModelCallMeasurement> InTrace(ActivityTraceId traceId, string instrument) =>
        [.. _recorded.Where(m => m.TraceId == traceId && m.Instrument.Name == instrument)];

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags) all[key] = tag;
        _recorded.Enqueue(new ModelCallMeasurement(instrument, value, all, Activity.Current?.TraceId));
    }
}

/// <summary>One measurement: its instrument, value and attributes, and the trace current when it was made.</summary>
internal sealed record ModelCallMeasurement(Instrument Instrument, double Value, IReadOnlyDictionary<string, object?> Tags, ActivityTraceId? TraceId)
{
    /// <summary>The attribute <paramref name="key"/> as text, or null when the measurement has none.</summary>
    public string? Tag(string key) => Tags.GetValueOrDefault(key) as string;
}
