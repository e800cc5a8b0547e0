using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ChatFlows.Core.Telemetry;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// The measurements on the ChatFlows meter made in this test's own async flow: tests share the process (and the meter),
/// so a count another test makes meanwhile must not count here.
/// </summary>
internal sealed class FlowMetrics : IDisposable
{
    private static readonly AsyncLocal<FlowMetrics?> Current = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _recorded = new();

    public FlowMetrics()
    {
        Current.Value = this;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatFlowsTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Current.Value != this) return;
            var all = new Dictionary<string, object?>();
            foreach (var (key, tag) in tags) all[key] = tag;
            _recorded.Enqueue((instrument.Name, value, all));
        });
        _listener.Start();
    }

    /// <summary>The sum of <paramref name="instrument"/>'s measurements whose attributes include <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        _recorded.Where(r => r.Instrument == instrument && tags.All(t => Equals(r.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(r => r.Value);

    public void Dispose() => _listener.Dispose();
}
