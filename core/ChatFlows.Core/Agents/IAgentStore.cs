namespace ChatFlows.Core.Agents;

/// <summary>Agents, stored beside the workflows (SQLite, and PostgreSQL for several instances).</summary>
public interface IAgentStore
{
    /// <summary>The agent with this id, or null.</summary>
    Task<AgentDefinition?> GetAsync(string id, CancellationToken ct = default);

    /// <summary>Every agent of every workspace, by id.</summary>
    Task<IReadOnlyList<AgentDefinition>> ListAsync(CancellationToken ct = default);

    /// <summary>The agents of <paramref name="workspace"/> (README §Workspaces and roles), by id.</summary>
    async Task<IReadOnlyList<AgentDefinition>> ListAsync(string workspace, CancellationToken ct = default) =>
        (await ListAsync(ct)).Where(a => a.Workspace == workspace).ToArray();

    /// <summary>Stores a new agent at version 1 in its workspace; null when the id is taken in any workspace.</summary>
    Task<AgentDefinition?> CreateAsync(AgentDefinition agent, CancellationToken ct = default);

    /// <summary>
    /// Replaces an agent of its workspace; with <paramref name="expectedVersion"/> only if it is still at that version. Returns the
    /// saved agent, or null when it does not exist or was saved meanwhile.
    /// </summary>
    Task<AgentDefinition?> SaveAsync(AgentDefinition agent, int? expectedVersion, CancellationToken ct = default);

    /// <summary>Deletes an agent; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken ct = default);
}
