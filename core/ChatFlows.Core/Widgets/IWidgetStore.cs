namespace ChatFlows.Core.Widgets;

/// <summary>Dashboard widgets and their bounded history, beside the runs (SQLite or PostgreSQL).</summary>
public interface IWidgetStore
{
    /// <summary>The history entries kept per widget; older ones are pruned when a widget is set.</summary>
    public const int HistoryLimit = 500;

    /// <summary>
    /// Sets a widget and adds to its history. Idempotent per run and node: when that node of that run already set the
    /// widget (a re-execution after a crash), nothing changes and false is returned. A change of type restarts the history.
    /// A name another workspace's widget has is refused with <see cref="WidgetTakenException"/>.
    /// </summary>
    Task<bool> SetAsync(WidgetUpdate update, CancellationToken ct = default);

    /// <summary>Every widget of every workspace by name, numbers with their previous value, series with their points.</summary>
    Task<IReadOnlyList<Widget>> ListAsync(CancellationToken ct = default);

    /// <summary>The widgets of <paramref name="workspace"/> (README §Workspaces and roles), as <see cref="ListAsync(CancellationToken)"/>.</summary>
    async Task<IReadOnlyList<Widget>> ListAsync(string workspace, CancellationToken ct = default) =>
        (await ListAsync(ct)).Where(w => w.Workspace == workspace).ToArray();

    /// <summary>One widget with its whole kept history; null when there is none by that name.</summary>
    Task<Widget?> GetAsync(string name, CancellationToken ct = default);

    /// <summary>Deletes a widget and its history; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken ct = default);
}
