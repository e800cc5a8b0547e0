using System.Collections.Concurrent;
using ChatFlows.Core.Agents;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>Agents in a dictionary, for tests of the nodes that use them.</summary>
internal sealed class InMemoryAgentStore : IAgentStore
{
    private readonly ConcurrentDictionary<string, AgentDefinition> _agents = new(StringComparer.Ordinal);

    public InMemoryAgentStore(params AgentDefinition[] agents)
    {
        foreach (var agent in agents) _agents[agent.Id] = agent with { Version = 1 };
    }

    public Task<AgentDefinition?> GetAsync(string id, CancellationToken ct = default) => Task.FromResult(_agents.GetValueOrDefault(id));

    public Task<IReadOnlyList<AgentDefinition>> ListAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<AgentDefinition>>(_agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToArray());

    public Task<AgentDefinition?> CreateAsync(AgentDefinition agent, CancellationToken ct = default) =>
        Task.FromResult(_agents.TryAdd(agent.Id, agent with { Version = 1 }) ? _agents[agent.Id] : null);

    public Task<AgentDefinition?> SaveAsync(AgentDefinition agent, int? expectedVersion, CancellationToken ct = default)
    {
        if (!_agents.TryGetValue(agent.Id, out var current) || (expectedVersion is { } v && current.Version != v)) return Task.FromResult<AgentDefinition?>(null);
        var saved = agent with { Version = current.Version + 1 };
        return Task.FromResult<AgentDefinition?>(_agents.TryUpdate(agent.Id, saved, current) ? saved : null);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken ct = default) => Task.FromResult(_agents.TryRemove(id, out _));
}
