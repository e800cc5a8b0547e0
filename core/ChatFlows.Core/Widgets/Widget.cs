using System.Text.Json;

namespace ChatFlows.Core.Widgets;

/// <summary>A dashboard widget as it stands: its last value and the run that set it.</summary>
public sealed record Widget
{
    /// <summary>The widget's name.</summary>
    public required string Name { get; init; }

    /// <summary>What the dashboard calls it; null shows the name.</summary>
    public string? Title { get; init; }

    /// <summary>One of <see cref="WidgetTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The value last set.</summary>
    public required JsonElement Value { get; init; }

    /// <summary>When it was last set.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The run that last set it.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow of that run.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The workspace it belongs to (README §Workspaces and roles); names stay unique across the install.</summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

    /// <summary>The node that last set it.</summary>
    public required string NodeId { get; init; }

    /// <summary>For a number: the value before the last one, for its trend; null when there was none.</summary>
    public double? Previous { get; init; }

    /// <summary>
    /// Its history, oldest first: every value kept (at most <see cref="IWidgetStore.HistoryLimit"/>), or a series' points.
    /// Filled by <see cref="IWidgetStore.GetAsync"/>; <see cref="IWidgetStore.ListAsync(CancellationToken)"/> fills it only for series.
    /// </summary>
    public IReadOnlyList<WidgetPoint> History { get; init; } = [];
}
