namespace ChatFlows.Core.Widgets;

/// <summary>What a dashboard widget shows (README §Dashboard widgets).</summary>
public static class WidgetTypes
{
    /// <summary>A number, shown with its trend against the value before it.</summary>
    public const string Number = "number";

    /// <summary>Markdown text, rendered without raw HTML.</summary>
    public const string Text = "text";

    /// <summary>An array of objects, or <c>{ columns, rows }</c>.</summary>
    public const string Table = "table";

    /// <summary>An array of strings or of <c>{ text, url? }</c>.</summary>
    public const string List = "list";

    /// <summary>A time series: each number set is a point at the run's time; an array of <c>{ at, value }</c> replaces the points.</summary>
    public const string Series = "series";

    /// <summary>Every type, in the order the editor offers them.</summary>
    public static IReadOnlyList<string> All { get; } = [Number, Text, Table, List, Series];
}
