using System.Text.Json;

namespace ChatFlows.Core.Widgets;

/// <summary>One entry of a widget's history: a value it was set to, or one point of a series.</summary>
/// <param name="At">When: the run's time for a value set by a run, or the point's own time.</param>
/// <param name="Value">The value (a number for numbers and series points).</param>
/// <param name="RunId">The run that wrote it.</param>
public sealed record WidgetPoint(DateTimeOffset At, JsonElement Value, string RunId);
