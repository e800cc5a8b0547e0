namespace ChatFlows.Core.Widgets;

/// <summary>
/// A widget name that another workspace's widget has (README §Workspaces and roles); the message does not say which
/// workspace, so one team learns nothing of another's dashboard.
/// </summary>
public sealed class WidgetTakenException(string name)
    : InvalidOperationException($"Widget name '{name}' is taken; give this widget another name.")
{
    /// <summary>The name that is taken.</summary>
    public string Name { get; } = name;
}
