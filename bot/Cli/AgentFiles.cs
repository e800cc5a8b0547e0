using System.Text.Json;
using ChatFlows.Core.Agents;

namespace ChatFlows.Bot.Cli;

/// <summary>
/// Agents for the CLI, read from JSON files (the shape <c>POST /api/agents</c> takes): a file, or every <c>*.json</c>
/// in a folder. Read-only: agents are edited in the files.
/// </summary>
internal sealed class AgentFiles : IAgentStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, AgentDefinition> _agents = new(StringComparer.Ordinal);

    /// <summary>Reads agents from <paramref name="path"/> (a file or folder); a missing folder means no agents.</summary>
    public AgentFiles(string? path)
    {
        if (path is null) return;
        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal).ToArray()
            : File.Exists(path) ? [path]
            : throw new FileNotFoundException($"no agent file or folder '{path}'.");
        foreach (var file in files)
        {
            AgentDefinition? agent;
            try
            {
                agent = JsonSerializer.Deserialize<AgentDefinition>(File.ReadAllText(file), Json);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{file} is not an agent: {ex.Message}", ex);
            }
            if (agent is null || string.IsNullOrEmpty(agent.Id)) throw new InvalidDataException($"{file} is not an agent: it needs an \"id\".");
            _agents[agent.Id] = agent with { Version = 1 };
        }
    }

    /// <summary>How many agents were read.</summary>
    public int Count => _agents.Count;

    public Task<AgentDefinition?> GetAsync(string id, CancellationToken ct = default) => Task.FromResult(_agents.GetValueOrDefault(id));

    public Task<IReadOnlyList<AgentDefinition>> ListAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<AgentDefinition>>(_agents.Values.ToArray());

    public Task<AgentDefinition?> CreateAsync(AgentDefinition agent, CancellationToken ct = default) => throw ReadOnly();

    public Task<AgentDefinition?> SaveAsync(AgentDefinition agent, int? expectedVersion, CancellationToken ct = default) => throw ReadOnly();

    public Task<bool> DeleteAsync(string id, CancellationToken ct = default) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("The command line reads agents from files; edit the file instead.");
}
