namespace ChatFlows.Core.Workspaces;

/// <summary>The workspaces of this install, in the product's database; <see cref="WorkspaceIds.Default"/> always exists.</summary>
public interface IWorkspaceStore
{
    /// <summary>Every workspace, by id.</summary>
    Task<IReadOnlyList<Workspace>> ListAsync(CancellationToken ct = default);

    /// <summary>One workspace, or null.</summary>
    Task<Workspace?> GetAsync(string id, CancellationToken ct = default);

    /// <summary>Creates a workspace; false when the id is taken.</summary>
    Task<bool> CreateAsync(Workspace workspace, CancellationToken ct = default);

    /// <summary>Replaces a workspace's name, policy and channels; false when it does not exist.</summary>
    Task<bool> UpdateAsync(Workspace workspace, CancellationToken ct = default);
}
