using System.Text.RegularExpressions;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Agents;

/// <summary>
/// Checks an agent before it is saved; every problem names its field. Tool entries a tool source owns
/// (<see cref="IAgentToolSource"/>) are that source's to check, with the settings only it understands.
/// </summary>
public sealed partial class AgentValidator(
    IEnumerable<string> modelProfiles, IEnumerable<string> tools, ConnectionRegistry? connections = null, IEnumerable<IAgentToolSource>? sources = null)
{
    private readonly string[] _profiles = modelProfiles.Order(StringComparer.Ordinal).ToArray();
    private readonly string[] _tools = tools.Order(StringComparer.Ordinal).ToArray();
    private readonly IAgentToolSource[] _sources = sources?.ToArray() ?? [];

    /// <summary>Every problem with <paramref name="agent"/>, its tool sources' included; empty when it can be saved.</summary>
    public async ValueTask<IReadOnlyList<ValidationProblem>> ValidateAsync(AgentDefinition agent, CancellationToken ct = default)
    {
        var problems = new List<ValidationProblem>(Validate(agent));
        // Sources read the lists entry by entry; a missing entry is already a problem of its own.
        if (HasMissingEntry(agent)) return problems;
        foreach (var source in _sources) problems.AddRange(await source.CheckAsync(agent, ct));
        return problems;
    }

    /// <summary>Every problem with <paramref name="agent"/> that needs no tool source to find; empty when none.</summary>
    public IReadOnlyList<ValidationProblem> Validate(AgentDefinition agent)
    {
        var problems = new List<ValidationProblem>();
        if (!IdPattern().IsMatch(agent.Id ?? "")) problems.Add(new("id", $"'{agent.Id}' is not an agent id; use lower-case letters, digits and dashes (at most 64), like 'summarizer'."));
        if (string.IsNullOrWhiteSpace(agent.Name)) problems.Add(new("name", "An agent needs a name."));
        else if (agent.Name.Length > 200) problems.Add(new("name", "name may be at most 200 characters."));
        if (agent.Instructions is null) problems.Add(new("instructions", "instructions must be a string."));
        else if (agent.Instructions.Length > 100_000) problems.Add(new("instructions", "instructions may be at most 100,000 characters."));
        if (agent.Model is not null && !_profiles.Contains(agent.Model, StringComparer.Ordinal))
        {
            problems.Add(new("model", _profiles.Length == 0
                ? $"'{agent.Model}' is not a configured model profile, and none is configured; set ChatFlows:Models:{agent.Model}:Provider, :Model and :Endpoint, or leave model out to use the default."
                : $"'{agent.Model}' is not a configured model profile; use one of {string.Join(", ", _profiles)}, or leave model out to use the default."));
        }
        if (agent.Temperature is < 0 or > 2) problems.Add(new("temperature", "temperature must be between 0 and 2."));
        if (agent.MaxOutputTokens is < 1 or > 1_000_000) problems.Add(new("maxOutputTokens", "maxOutputTokens must be a whole number from 1 to 1000000."));
        foreach (var (field, list) in Lists(agent))
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is null) problems.Add(new($"{field}/{i}", $"Each entry of {field} must be a string."));
            }
        }
        if (HasMissingEntry(agent)) return problems;
        var tools = agent.Tools ?? [];
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools.Take(i).Contains(tools[i], StringComparer.Ordinal)) problems.Add(new($"tools/{i}", $"'{tools[i]}' is listed twice."));
            else if (_sources.Any(s => s.Owns(tools[i]))) continue;
            else if (!_tools.Contains(tools[i], StringComparer.Ordinal)) problems.Add(new($"tools/{i}", $"'{tools[i]}' is not a tool; the tools are {string.Join(", ", _tools)}."));
        }
        var confirm = agent.Confirm ?? [];
        for (var i = 0; i < confirm.Count; i++)
        {
            // An entry a source owns may be narrower than the tools entry allowing it (mcp:github/create_issue under mcp:github/*).
            if (!tools.Contains(confirm[i], StringComparer.Ordinal) && !_sources.Any(s => s.Owns(confirm[i])))
            {
                problems.Add(new($"confirm/{i}", $"'{confirm[i]}' is not one of the agent's tools; list it under tools first."));
            }
        }
        var names = agent.Connections ?? [];
        for (var i = 0; i < names.Count; i++)
        {
            if (!ConnectionRegistry.IsValidName(names[i])) problems.Add(new($"connections/{i}", $"'{names[i]}' is not a connection name; {ConnectionRegistry.NameRule}."));
            else if (connections is not null && connections.Find(agent.Workspace, names[i]) is null)
            {
                problems.Add(new($"connections/{i}", $"There is no connection '{names[i]}'; add it in the dashboard (Connections) or under ChatFlows:Connections:{names[i]}."));
            }
            else if (names.Take(i).Contains(names[i], StringComparer.Ordinal)) problems.Add(new($"connections/{i}", $"'{names[i]}' is listed twice."));
        }
        return problems;
    }

    private static IEnumerable<(string Field, IReadOnlyList<string> List)> Lists(AgentDefinition agent) =>
        [("tools", agent.Tools ?? []), ("confirm", agent.Confirm ?? []), ("knowledge", agent.Knowledge ?? []), ("connections", agent.Connections ?? [])];

    private static bool HasMissingEntry(AgentDefinition agent) => Lists(agent).Any(l => l.List.Any(e => e is null));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z")]
    private static partial Regex IdPattern();
}
