using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Storage;

/// <summary>
/// Saved workflows with every version kept, so a run stays pinned to the version it started with. Saving is
/// optimistic: an update names the version it was based on and loses to any save in between. Documents are
/// validated by the caller; the store keeps what it is given.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>Every current workflow, by id.</summary>
    Task<IReadOnlyList<StoredWorkflow>> ListAsync(CancellationToken ct = default);

    /// <summary>The current version of a workflow, or null.</summary>
    Task<StoredWorkflow?> GetAsync(string id, CancellationToken ct = default);

    /// <summary>A given version, also after later saves or deletion; null if it never existed.</summary>
    Task<WorkflowDocument?> GetVersionAsync(string id, int version, CancellationToken ct = default);

    /// <summary>
    /// Every saved version of a workflow, newest first, also after its deletion (README §Workflow history); empty
    /// when the id was never saved.
    /// </summary>
    Task<IReadOnlyList<WorkflowVersion>> ListVersionsAsync(string id, CancellationToken ct = default);

    /// <summary>
    /// Saves a new workflow as version 1, or, when the id belonged to a deleted workflow, as the version after its
    /// last one (versions are never reused); null when the id is taken. <paramref name="savedBy"/> is who saved it.
    /// </summary>
    Task<StoredWorkflow?> CreateAsync(WorkflowDocument document, string? savedBy = null, CancellationToken ct = default);

    /// <summary>
    /// Saves the next version if the current one is <paramref name="expectedVersion"/> in the document's workspace; null otherwise (or when
    /// missing). <paramref name="savedBy"/> is who saved it.
    /// </summary>
    Task<StoredWorkflow?> UpdateAsync(WorkflowDocument document, int expectedVersion, string? savedBy = null, CancellationToken ct = default);

    /// <summary>Deletes a workflow (optionally only at <paramref name="expectedVersion"/>); false when missing or stale. Its runs stay.</summary>
    Task<bool> DeleteAsync(string id, int? expectedVersion = null, CancellationToken ct = default);

    /// <summary>Raised after a create, update or delete made through this store.</summary>
    event Action<WorkflowChange>? Changed;
}
