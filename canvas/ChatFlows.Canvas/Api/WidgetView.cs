using System.Text.Json;
using ChatFlows.Core.Widgets;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// A dashboard widget as <c>/api/widgets</c> shows it: its value, when and by which run it was set (with the run page's
/// address), a number's trend, a text's HTML (rendered without raw HTML), a series' points and, for one widget, its history.
/// </summary>
internal sealed record WidgetView(
    string Name, string Title, string Type, JsonElement Value, DateTimeOffset UpdatedAt, string RunId, string RunUrl, string WorkflowId, string NodeId,
    WidgetTrend? Trend, string? Html, IReadOnlyList<WidgetPointView>? Points, IReadOnlyList<WidgetPointView>? History)
{
    public static WidgetView Of(Widget widget, bool withHistory)
    {
        var history = widget.History.Select(p => new WidgetPointView(p.At, p.Value, p.RunId)).ToArray();
        WidgetTrend? trend = widget.Type == WidgetTypes.Number && widget.Previous is { } previous && widget.Value.ValueKind == JsonValueKind.Number
            ? new WidgetTrend(previous, widget.Value.GetDouble() - previous)
            : null;
        return new WidgetView(
            widget.Name, widget.Title ?? widget.Name, widget.Type, widget.Value, widget.UpdatedAt, widget.RunId, $"/runs/{widget.RunId}", widget.WorkflowId, widget.NodeId,
            trend,
            widget.Type == WidgetTypes.Text && widget.Value.ValueKind == JsonValueKind.String ? WidgetMarkdown.ToHtml(widget.Value.GetString()!) : null,
            widget.Type == WidgetTypes.Series ? history : null,
            withHistory ? history : null);
    }
}

/// <summary>A number's previous value and the change since.</summary>
internal sealed record WidgetTrend(double Previous, double Delta);

/// <summary>One history entry or series point.</summary>
internal sealed record WidgetPointView(DateTimeOffset At, JsonElement Value, string RunId);

/// <summary><c>GET /api/widgets</c>: every widget, by name.</summary>
internal sealed record WidgetList(IReadOnlyList<WidgetView> Items);
