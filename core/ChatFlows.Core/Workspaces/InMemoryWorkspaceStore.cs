using System.Collections.Concurrent;

namespace ChatFlows.Core.Workspaces;

/// <summary>Workspaces in memory, for hosts without a database (the command line) and engine tests; holds the default workspace from the start.</summary>
public sealed class InMemoryWorkspaceStore : IWorkspaceStore
{
    private readonly ConcurrentDictionary<string, Workspace> _workspaces = new(StringComparer.Ordinal);

    public InMemoryWorkspaceStore(TimeProvider time) =>
        _workspaces[WorkspaceIds.Default] = new Workspace(WorkspaceIds.Default, "Default", WorkspacePolicy.Open, [], time.GetUtcNow());

    public Task<IReadOnlyList<Workspace>> ListAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<Workspace>>([.. _workspaces.Values.OrderBy(w => w.Id, StringComparer.Ordinal)]);

    public Task<Workspace?> GetAsync(string id, CancellationToken ct = default) => Task.FromResult(_workspaces.GetValueOrDefault(id));

    public Task<bool> CreateAsync(Workspace workspace, CancellationToken ct = default) => Task.FromResult(_workspaces.TryAdd(workspace.Id, workspace));

    public Task<bool> UpdateAsync(Workspace workspace, CancellationToken ct = default)
    {
        if (!_workspaces.TryGetValue(workspace.Id, out var current)) return Task.FromResult(false);
        return Task.FromResult(_workspaces.TryUpdate(workspace.Id, workspace with { CreatedAt = current.CreatedAt }, current));
    }
}
