using System.Text.Json;

namespace ChatFlows.Core.Widgets;

/// <summary>
/// A widget set by a run's <c>output/widget</c> node: its value already checked for its type (<see cref="WidgetValues"/>).
/// For a series, <see cref="Points"/> holds the points to add (one, for a number) or to replace the series with.
/// </summary>
public sealed record WidgetUpdate
{
    /// <summary>The widget's name: lower-case letters, digits and dashes.</summary>
    public required string Name { get; init; }

    /// <summary>What the dashboard calls it; null keeps the name.</summary>
    public string? Title { get; init; }

    /// <summary>One of <see cref="WidgetTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The value shown: a number, a Markdown string, a table, a list, or a series' latest number.</summary>
    public required JsonElement Value { get; init; }

    /// <summary>When it was set (the run's time).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The run that set it.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow of that run.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The workspace of that workflow, which the widget belongs to (README §Workspaces and roles).</summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

    /// <summary>The node that set it.</summary>
    public required string NodeId { get; init; }

    /// <summary>A series' points; null for other types.</summary>
    public IReadOnlyList<(DateTimeOffset At, double Value)>? Points { get; init; }

    /// <summary>True when <see cref="Points"/> replace the series instead of adding to it.</summary>
    public bool ReplacesPoints { get; init; }
}
