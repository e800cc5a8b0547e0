namespace ChatFlows.Core.Workspaces;

/// <summary>The roles given in each workspace (README §Workspaces and roles), in the product's database.</summary>
public interface IWorkspaceGrants
{
    /// <summary>Every grant of <paramref name="workspace"/>, by principal.</summary>
    Task<IReadOnlyList<WorkspaceGrant>> ListAsync(string workspace, CancellationToken ct = default);

    /// <summary>Gives the grant's principal its role in its workspace, replacing the role it had there.</summary>
    Task SetAsync(WorkspaceGrant grant, CancellationToken ct = default);

    /// <summary>Takes the principal's role in the workspace away; false when it had none.</summary>
    Task<bool> RemoveAsync(string workspace, string principal, CancellationToken ct = default);
}
